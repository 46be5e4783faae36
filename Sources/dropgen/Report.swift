import ArgumentParser
import Foundation
import MarketReport
import Publisher
import SiteBuilder
import SiteManifest

extension ReportWriter.Refused: UserError {}

/// `report --now`: the instant the figures are computed at.
enum ReportClock: ClockPurpose {
    static let help = "Compute the report at this instant, e.g. 2026-12-04T18:00:00+01:00 (default: SOURCE_DATE_EPOCH if set, else now)."
    static let example = "2026-12-04T18:00:00+01:00"
    static let readsSourceDateEpoch = true
}

struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the market report: repeat purchases, pickups, disputes, sell-through, badge lift, first-byte time.",
        discussion: """
            Reads data/orders.csv, disputes.csv and buyers.csv (and data/views.csv, data/probes.csv and the stock.from \
            ledger when there are any) with the site, and writes reports/<day>/index.html (charts and tables, no \
            script, no web font), report.json (every figure, its inputs' counts and its exact definition) and one CSV \
            per table. A report holds business data: it is never written into public/, static/ or a folder publish \
            target, never published, and replaces only a folder it wrote itself (.dropgen-report). `dropgen init` \
            puts reports/ in .gitignore.

            Example: dropgen report --since 2026-09-01 --now 2026-12-04T12:00:00+01:00
            """)

    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var clock: ClockOptions<ReportClock>

    @Option(name: .long, help: ArgumentHelp("The folder to write (default: reports/<day> in the site).", valueName: "DIR"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Leave out records before this day (2026-09-01, in the site's time zone) or RFC 3339 time.",
                                            valueName: "DATE"))
    var since: String?

    @Flag(name: .long, help: "Print report.json on standard output as well.")
    var json = false

    func validate() throws {
        // The day's start is taken in the site's zone later; the text is checked here (a usage error).
        if let since, ReportPeriod.parseSince(since, timeZone: TimeZone(identifier: "UTC")!) == nil {
            throw ValidationError("--since \(since): expected a day such as 2026-09-01 or an RFC 3339 time")
        }
    }

    func run() async throws {
        let terminal = Terminal(quiet: true)
        let root = siteOptions.root
        let (report, folder, files) = try await runReportingErrors(terminal) { () async throws -> (MarketReport, URL, [String]) in
            let config = try SiteConfig.load(root: root)
            var sinceDate: Date?
            if let since { sinceDate = ReportPeriod.parseSince(since, timeZone: config.timeZone) }
            let period = ReportPeriod(since: sinceDate, now: clock.date, timeZone: config.timeZone)
            let ledger = config.stockFrom == nil ? nil
                : try await StockFrom.ledger(siteRoot: root, override: nil, build: root.appendingPathComponent("public"))
            let inputs = try await ReportInputs.load(root: root, now: period.now, ledger: ledger)
            var report = MarketReport.compute(inputs, period: period)
            report.dropgen = DropgenVersion.description
            let folder = out.map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }
                ?? ReportWriter.defaultFolder(siteRoot: root, period: period)
            let files = try ReportWriter.write(report, to: folder, published: try publishedFolders(root: root))
            return (report, folder, files)
        }
        if json {
            FileHandle.standardOutput.write(try report.json())
        } else {
            print("wrote \(folder.path)/index.html, report.json and \(files.count - 2) CSV files")
        }
    }

    /// Folders whose files end up public: the build folder, static/, and every folder publish target.
    private func publishedFolders(root: URL) throws -> [URL] {
        var folders = [root.appendingPathComponent("public"), root.appendingPathComponent("static")]
        for target in try PublishConfig.load(siteRoot: root).targets.values {
            if case .folder(let url) = target.location { folders.append(url) }
        }
        return folders
    }
}
