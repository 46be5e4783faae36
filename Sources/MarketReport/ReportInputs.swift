import EdgeProbe
import Foundation
import SiteBuilder
import SiteManifest
import SiteSource
import StockLedger

/// Everything a report is computed from: the site (drops, makers, badges, policies, events at the
/// report's clock), the order, dispute and buyer exports, and, when present, `data/views.csv`,
/// `data/probes.csv` and the stock ledger's records.
public struct ReportInputs: Sendable {
    public struct View: Sendable, Equatable {
        public var drop: String
        /// `2026-12-04`, as the analytics export writes it.
        public var day: String
        public var views: Int
    }

    public struct Probe: Sendable, Equatable {
        public var probedAt: Date
        public var kind: String
        public var status: Int
        public var firstByteMs: Double?
    }

    public var site: Site
    public var data: MarketData
    /// nil: `data/views.csv` does not exist.
    public var views: [View]?
    /// nil: `data/probes.csv` does not exist.
    public var probes: [Probe]?
    public var ledger: StockLedger?

    public static let viewsFile = "data/views.csv"
    static let viewColumns = ["drop", "date", "views"]
    /// At most this many rows of views or probes are read: a report, not a warehouse.
    static let rowLimit = 1_000_000

    public init(site: Site, data: MarketData, views: [View]?, probes: [Probe]?, ledger: StockLedger?) {
        self.site = site
        self.data = data
        self.views = views
        self.probes = probes
        self.ledger = ledger
    }

    /// Reads the site at `now` (media not planned: a report never encodes) and its data files;
    /// every mistake in them is thrown together, in the usual dialect.
    public static func load(root: URL, now: Date, ledger: StockLedger?) async throws(BuildFailed) -> ReportInputs {
        let root = root.standardizedFileURL
        // The ledger is read by the sell-through metric itself (its entries and records).
        let (site, _) = try await Site.load(root: root, now: now, planMedia: false)
        let data = try MarketData.load(root: root)
        var log = DiagnosticLog()
        let views = table(viewsFile, columns: viewColumns, root: root, log: &log).map { table in
            table.rows.compactMap { row -> View? in
                let drop = row["drop"].text.trimmingCharacters(in: .whitespaces)
                let day = row["date"].text.trimmingCharacters(in: .whitespaces)
                let count = row["views"].text.trimmingCharacters(in: .whitespaces)
                if drop.isEmpty { log.add(problem(table, row, "drop", "must not be empty")) }
                let dayOK = day.count == 10 && ReportPeriod.parseSince(day, timeZone: site.config.timeZone) != nil
                if !dayOK { log.add(problem(table, row, "date", "expected a day such as 2026-12-04, got \"\(day)\"")) }
                let views = Int(count).flatMap { (0...1_000_000_000).contains($0) ? $0 : nil }
                if views == nil { log.add(problem(table, row, "views", "expected a whole number 0...1000000000, got \"\(count)\"")) }
                guard !drop.isEmpty, dayOK, let views else { return nil }
                return View(drop: drop, day: day, views: views)
            }
        }
        let probes = table(ProbeLog.file, columns: ProbeLog.columns, root: root, log: &log).map { table in
            table.rows.compactMap { row -> Probe? in
                let at = row["probed_at"].text
                guard let date = RFC3339.parse(at) else {
                    log.add(problem(table, row, "probed_at", "expected an RFC 3339 time with an offset, got \"\(at)\""))
                    return nil
                }
                let status = Int(row["status"].text) ?? 0
                let firstByte = Double(row["first_byte_ms"].text).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
                return Probe(probedAt: date, kind: row["kind"].text, status: status, firstByteMs: firstByte)
            }
        }
        try log.throwIfAny()
        return ReportInputs(site: site, data: data, views: views, probes: probes, ledger: ledger)
    }

    private static func problem(_ table: CSVTable, _ row: CSVTable.Row, _ column: String, _ message: String) -> Diagnostic {
        let cell = row[column]
        return Diagnostic(file: table.file, line: cell.line, column: cell.column, key: column, message: message)
    }

    private static func table(_ file: String, columns: [String], root: URL, log: inout DiagnosticLog) -> CSVTable? {
        let path = root.appendingPathComponent(file).path
        if SiteFolder(root: root).leaves(path) {
            log.add(Diagnostic(file: file, message: SiteFolder.leavesMessage))
            return nil
        }
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
        guard let text = decodeUTF8(bytes, path: file, log: &log) else { return nil }
        do {
            let table = try CSVTable.parse(text, file: file, required: columns)
            if table.rows.count > rowLimit {
                log.add(Diagnostic(file: file, message: "has \(table.rows.count) rows; at most \(rowLimit) are read (pass --since, or split the file)"))
                return nil
            }
            return table
        } catch {
            log.add(error)
            return nil
        }
    }
}
