import Announce
import ArgumentParser
import Foundation
import LiveStock
import Publisher
import SiteBuilder
import SiteManifest
import SiteSource
import StockLedger

/// `stock`: the instant the change is stamped with, drop states computed at, and the deploy made.
enum StockClock: ClockPurpose {
    static let help = "Stamp the change, compute drop states and stamp the deploy at this instant, RFC 3339 (default: now)."
    static let example = "2026-12-04T18:05:00+01:00"
    static let readsSourceDateEpoch = false
}

struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Change stock between builds: the ledger at the target, then only the pages that show it.",
        discussion: """
            Stock changes are not content: they live in a ledger at the publish target \
            (.dropgen/stock.json), which overrides a drop's front-matter `remaining` from its first \
            change on. Each change is journaled locally first (.dropgen-live/<target>/), written to the \
            ledger, and then the build in public/ is updated in place and published: only the objects \
            that show the drop's stock or state change (its page, listings, catalogs, feed, live files).
            """,
        subcommands: [Set.self, Apply.self])

    struct Options: ParsableArguments {
        @OptionGroup var live: LiveTargetOptions

        @Flag(name: .long, help: "Print what would change and publish nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Print a machine-readable JSON report on stdout.")
        var json = false

        @OptionGroup var clock: ClockOptions<StockClock>

        func run(_ events: (Date) throws -> [StockEvent]) async throws {
            let terminal = Terminal(quiet: json || dryRun)
            try await runReportingErrors(terminal) {
                let fixed = clock.fixed
                let (journal, updater) = try live.updater(now: fixed, terminal: terminal)
                let events = try events(fixed ?? Date())
                var unknown: [String] = []
                for event in events where !(await updater.knows(drop: event.drop)) { unknown.append(event.drop) }
                if !unknown.isEmpty {
                    throw StockCommandError.unknownDrops(Array(Swift.Set(unknown)).sorted())
                }
                if dryRun {
                    let (outcomes, plan) = try await updater.preview(events)
                    var report = StockReport(outcomes: outcomes, summary: nil)
                    report.wouldUpload = plan.uploads.map(\.key)
                    json ? try printJSON(report)
                        : print(report.text + "\n" + PlanPrinter.text(plan) + "\ndry run: nothing journaled, written or published")
                    return
                }
                // Journaled first, with what an earlier run left unapplied; forgotten once published.
                try journal.append(events)
                let batch = try journal.pending()
                let summary = try await updater.apply(batch)
                try journal.checkpoint(applied: batch)
                terminal.finishProgress()
                let report = StockReport(outcomes: events.map { ($0, summary.outcomes[$0.id] ?? .duplicate) }, summary: summary)
                json ? try printJSON(report) : print(report.text)
                if !json, let announced = await updater.lastAnnouncements { print(announced.summary) }
                if report.events.contains(where: { $0.outcome == "rejected" }) { throw ExitCode(1) }
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a drop's units left (a reset: later sales count down from it).")

        @Argument(help: "The drop's slug.") var slug: String
        @Argument(help: "Units left, 0 or more (0: sold out).") var remaining: Int
        @OptionGroup var options: Options

        func validate() throws {
            guard (0...1_000_000).contains(remaining) else { throw ValidationError("remaining must be from 0 to 1000000") }
        }

        func run() async throws {
            let (slug, remaining) = (slug, remaining)
            try await options.run { now in
                // Named by the instant to the millisecond: the same set at the same `--now` is applied once.
                [StockEvent(id: "set:\(Int64((now.timeIntervalSince1970 * 1000).rounded())):\(slug):\(remaining)", drop: slug, change: .remaining(remaining),
                            at: now, source: "set")]
            }
        }
    }

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a CSV of stock changes: header `drop,remaining` or `drop,sold,event_id`.",
            discussion: """
                Rows without an event id are named by the file's bytes and their line, so applying \
                the same file twice changes nothing the second time.
                """)

        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: Options

        func run() async throws {
            let path = file
            try await options.run { now in
                let url = URL(fileURLWithPath: path)
                let data: Data
                do { data = try Data(contentsOf: url) } catch { throw StockCommandError.unreadable(path) }
                return try StockFile.parse(data, path: path, at: now)
            }
        }
    }
}

/// Options shared by `stock` and `live`: the site, the target whose ledger and edge they keep,
/// and the build folder they update in place.
struct LiveTargetOptions: ParsableArguments {
    @OptionGroup var siteOptions: SiteOptions

    @Option(name: .long, help: "A target named under publish.targets in dropgen.yaml (default: publish.default).")
    var target: String?

    @Option(name: .long, help: ArgumentHelp("The build folder to update and publish (default: <site>/public).", valueName: "DIR"))
    var dir: String?

    /// The target's journal (`.dropgen-live/<target>/`) and the updater that applies its events,
    /// stamping at `now` (nil: the wall clock).
    func updater(now fixed: Date?, terminal: Terminal?) throws -> (StockJournal, StockUpdater) {
        let site = siteOptions.root
        let build = dir.map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }
            ?? site.appendingPathComponent("public")
        let publisher = try makePublisher(site: site, target: target, build: build, now: fixed, progress: terminal)
        let name = try target ?? PublishConfig.load(siteRoot: site).target(named: nil).name
        let journal = try StockJournal(folder: StockJournal.defaultFolder(siteRoot: site, target: name))
        let updater = StockUpdater(.init(siteRoot: site, output: build, now: { fixed ?? Date() },
                                         progress: terminal?.progressHandler), publisher: publisher)
        return (journal, updater)
    }
}

enum StockCommandError: Error, UserError, CustomStringConvertible {
    case unknownDrops([String])
    case unreadable(String)

    var description: String {
        switch self {
        case .unknownDrops(let slugs):
            return "no public drop named \(slugs.map { "'\($0)'" }.joined(separator: ", ")) in this site; nothing was changed"
        case .unreadable(let path):
            return "\(path): cannot be read"
        }
    }
}

/// What `dropgen stock` prints: one line per event, then what was published.
struct StockReport: Encodable {
    struct Event: Encodable {
        var id: String
        var drop: String
        var outcome: String
        var remaining: Int?
        var short: Int?
        var message: String?
    }

    var events: [Event]
    var uploaded: [String]?
    /// `--dry-run`: what the publish would upload.
    var wouldUpload: [String]?
    var requests: Int?
    var seconds: Double?

    init(outcomes: [(StockEvent, StockLedger.Outcome)], summary: StockUpdateSummary?) {
        events = outcomes.map { event, outcome in
            switch outcome {
            case .applied(let remaining):
                return Event(id: event.id, drop: event.drop, outcome: "applied", remaining: remaining)
            case .duplicate:
                return Event(id: event.id, drop: event.drop, outcome: "duplicate")
            case .oversold(let remaining, let short):
                return Event(id: event.id, drop: event.drop, outcome: "oversold", remaining: remaining, short: short)
            case .rejected(let message):
                return Event(id: event.id, drop: event.drop, outcome: "rejected", message: message)
            }
        }
        uploaded = summary?.uploaded
        requests = summary?.requests
        seconds = summary.map { ($0.duration * 1000).rounded() / 1000 }
    }

    enum CodingKeys: String, CodingKey {
        case events, uploaded, requests, seconds
        case wouldUpload = "would_upload"
    }

    var text: String {
        var lines = events.map { event in
            switch event.outcome {
            case "applied": return "\(event.drop): \(event.remaining ?? 0) left\(event.remaining == 0 ? " (sold out)" : "")"
            case "oversold": return "\(event.drop): sold out, \(event.short ?? 0) units oversold by \(event.id)"
            case "duplicate": return "\(event.drop): \(event.id) was already applied"
            default: return "\(event.drop): refused: \(event.message ?? "")"
            }
        }
        if let uploaded, let requests, let seconds {
            lines.append("published \(uploaded.count) objects in \(String(format: "%.2f", seconds)) s (\(requests) requests)")
        }
        return lines.map { LineSafe.terminalEscaped($0) }.joined(separator: "\n")
    }
}
