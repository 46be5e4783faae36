import Foundation
import SiteManifest
import SiteSource

/// Order, dispute and buyer exports in `data/`, the evidence badge rules are computed from.
public struct MarketData: Sendable {
    public struct Order: Sendable {
        public var id: String
        public var drop: String
        public var creator: String
        public var buyer: String
        public var purchasedAt: Date
        public var pickupStarts: Date?
        public var pickupEnds: Date?
        public var fulfilledAt: Date?
        public var status: Status

        public enum Status: String, Sendable, CaseIterable {
            case pending, fulfilled, cancelled, refunded
            case noShow = "no_show"
        }

        /// Counted as a real purchase (not cancelled or refunded).
        public var counts: Bool { status != .cancelled && status != .refunded }
    }

    public struct Dispute: Sendable {
        public var id: String
        public var orderID: String
        public var openedAt: Date
        public var firstResponseAt: Date?
        public var resolvedAt: Date?
        public var outcome: String
    }

    public struct Buyer: Sendable {
        public var id: String
        public var displayName: String
        /// Only buyers who opted in are ever named on the site.
        public var isPublic: Bool
    }

    public var orders: [Order] = []
    public var disputes: [Dispute] = []
    public var buyers: [String: Buyer] = [:]
    /// Which files exist, so a rule needing a missing export can say so.
    var files: Set<String> = []

    public static let ordersFile = "data/orders.csv", disputesFile = "data/disputes.csv", buyersFile = "data/buyers.csv"
    static let orderColumns = ["order_id", "drop", "creator", "buyer", "purchased_at", "pickup_starts", "pickup_ends", "fulfilled_at", "status"]
    static let disputeColumns = ["dispute_id", "order_id", "opened_at", "first_response_at", "resolved_at", "outcome"]
    static let buyerColumns = ["buyer", "display_name", "public"]

    /// The exports of the site at `root`, for reports; every mistake in them thrown together.
    public static func load(root: URL) throws(BuildFailed) -> MarketData {
        var log = DiagnosticLog()
        let data = load(root: root.standardizedFileURL, log: &log)
        try log.throwIfAny()
        return data
    }

    static func load(root: URL, log: inout DiagnosticLog) -> MarketData {
        var data = MarketData()
        if let table = table(ordersFile, columns: orderColumns, root: root, present: &data.files, log: &log) {
            data.orders = table.rows.compactMap { row in
                var reader = CellReader(file: table.file, row: row)
                let order = Order(
                    id: reader.text("order_id"), drop: reader.text("drop"), creator: reader.text("creator"),
                    buyer: reader.text("buyer"), purchasedAt: reader.time("purchased_at") ?? .distantPast,
                    pickupStarts: reader.optionalTime("pickup_starts"), pickupEnds: reader.optionalTime("pickup_ends"),
                    fulfilledAt: reader.optionalTime("fulfilled_at"), status: reader.status("status"))
                log.add(contentsOf: reader.problems)
                return reader.problems.isEmpty ? order : nil
            }
        }
        if let table = table(disputesFile, columns: disputeColumns, root: root, present: &data.files, log: &log) {
            let orderIDs = Set(data.orders.map(\.id))
            data.disputes = table.rows.compactMap { row in
                var reader = CellReader(file: table.file, row: row)
                let dispute = Dispute(
                    id: reader.text("dispute_id"), orderID: reader.text("order_id"), openedAt: reader.time("opened_at") ?? .distantPast,
                    firstResponseAt: reader.optionalTime("first_response_at"), resolvedAt: reader.optionalTime("resolved_at"),
                    outcome: row["outcome"].text)
                if reader.problems.isEmpty, data.files.contains(ordersFile), !orderIDs.contains(dispute.orderID) {
                    let cell = row["order_id"]
                    reader.problems.append(Diagnostic(file: table.file, line: cell.line, column: cell.column, key: "order_id",
                                                      message: "no order `\(dispute.orderID)` in \(ordersFile)"))
                }
                log.add(contentsOf: reader.problems)
                return reader.problems.isEmpty ? dispute : nil
            }
        }
        if let table = table(buyersFile, columns: buyerColumns, root: root, present: &data.files, log: &log) {
            for row in table.rows {
                var reader = CellReader(file: table.file, row: row)
                let buyer = Buyer(id: reader.text("buyer"), displayName: row["display_name"].text, isPublic: reader.bool("public"))
                log.add(contentsOf: reader.problems)
                if reader.problems.isEmpty { data.buyers[buyer.id] = buyer }
            }
        }
        return data
    }

    private static func table(_ file: String, columns: [String], root: URL, present: inout Set<String>, log: inout DiagnosticLog) -> CSVTable? {
        let path = root.appendingPathComponent(file).path
        if SiteFolder(root: root).leaves(path) {
            present.insert(file)
            log.add(Diagnostic(file: file, message: SiteFolder.leavesMessage))
            return nil
        }
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
        // Present even when malformed: its own errors say what is wrong with it.
        present.insert(file)
        guard let text = decodeUTF8(bytes, path: file, log: &log) else { return nil }
        do {
            return try CSVTable.parse(text, file: file, required: columns)
        } catch {
            log.add(error)
            return nil
        }
    }
}

/// Typed reads of one CSV row; problems carry file, line, column and the column name.
private struct CellReader {
    let file: String
    let row: CSVTable.Row
    var problems: [Diagnostic] = []

    init(file: String, row: CSVTable.Row) {
        self.file = file
        self.row = row
    }

    mutating func fail(_ column: String, _ message: String) {
        let cell = row[column]
        problems.append(Diagnostic(file: file, line: cell.line, column: cell.column, key: column, message: message))
    }

    mutating func text(_ column: String) -> String {
        let value = row[column].text.trimmingCharacters(in: .whitespaces)
        if value.isEmpty { fail(column, "must not be empty") }
        return value
    }

    mutating func optionalTime(_ column: String) -> Date? {
        let value = row[column].text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return nil }
        guard let date = RFC3339.parse(value) else {
            fail(column, "expected an RFC 3339 time with an offset, got \"\(value)\"")
            return nil
        }
        return date
    }

    mutating func time(_ column: String) -> Date? {
        if row[column].text.trimmingCharacters(in: .whitespaces).isEmpty {
            fail(column, "must not be empty")
            return nil
        }
        return optionalTime(column)
    }

    mutating func status(_ column: String) -> MarketData.Order.Status {
        let value = row[column].text.trimmingCharacters(in: .whitespaces)
        if let status = MarketData.Order.Status(rawValue: value) { return status }
        fail(column, "expected one of \(MarketData.Order.Status.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(value)\"")
        return .pending
    }

    mutating func bool(_ column: String) -> Bool {
        switch row[column].text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0", "": return false
        case let other:
            fail(column, "expected true or false, got \"\(other)\"")
            return false
        }
    }
}
