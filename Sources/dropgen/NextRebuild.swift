import ArgumentParser
import Foundation
import SiteBuilder
import SiteManifest

struct NextRebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next-rebuild",
        abstract: "Print when the next drop state change happens, so CI can build exactly then.",
        discussion: """
            Prints the instant (RFC 3339, UTC) of the earliest future change — an early-access window, \
            an opening, a closing or an archiving — or nothing when no change is scheduled. \
            With --json: { "next_transition": …, "drop": …, "event": …, "upcoming": [...] }.
            """)

    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var clock: ClockOptions<DropStateClock>

    @Flag(name: .long, help: "Print a machine-readable report.")
    var json = false

    struct Report: Encodable {
        var nextTransition: String?
        var drop: String?
        var event: String?
        var upcoming: [Entry]

        struct Entry: Encodable {
            var at: String
            var drop: String
            var event: String
        }

        enum CodingKeys: String, CodingKey {
            case nextTransition = "next_transition", drop, event, upcoming
        }
    }

    func run() async throws {
        let terminal = Terminal(quiet: true)
        let (site, _) = try await runReportingErrors(terminal) {
            try await Site.load(root: siteOptions.root, now: clock.date, planMedia: false)
        }
        let upcoming = site.upcomingTransitions()
        if json {
            let entries = upcoming.map { Report.Entry(at: RFC3339.format($0.at), drop: $0.slug, event: $0.kind.rawValue) }
            try printJSON(Report(nextTransition: entries.first?.at, drop: entries.first?.drop, event: entries.first?.event,
                                 upcoming: Array(entries.prefix(10))))
        } else if let next = upcoming.first {
            print(RFC3339.format(next.at))
        }
    }
}
