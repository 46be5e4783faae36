import Announce
import ArgumentParser
import Foundation
import Publisher
import SiteBuilder

extension AnnounceError: UserError {}

/// The announcer of the site's `announce:` section for `target` (nil: the site announces nothing).
func makeAnnouncer(site: URL, target: any PublishTarget, now fixed: Date?) throws -> Announcer? {
    try Announcer.load(siteRoot: site, templates: AnnouncementTemplates.sources(siteRoot: site), target: target,
                       clock: { fixed ?? Date() })
}

/// `publish --json`: the publish report with the announcements it made (null: none configured).
struct PublishOutput: Encodable {
    var report: PublishReport
    var announcements: AnnounceReport?
    enum Key: String, CodingKey { case announcements }

    func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(announcements, forKey: .announcements)
    }
}

struct Announce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send the pending drop announcements (Discord, Telegram, webhooks) for what a target serves.",
        discussion: """
            Compares the catalog the target serves with the announcement ledger at the target \
            (.dropgen/announce.json), records each new event (scheduled, early_access, opened, \
            last_units, sold_out, closed) for every channel under `announce:` in dropgen.yaml that \
            wants it, sends what is pending and edits each pinned catalog. `dropgen publish` does \
            the same after every verified deploy; run this to retry what a failing channel left \
            pending. The first run at a target records a baseline and announces nothing.

            Secrets come from the environment variables the channels name; they never appear in \
            output. With --dry-run, every request is printed as it would be sent (its URL with the \
            variable's name instead of the secret) and nothing is sent or recorded.

            Example:
              DISCORD_WEBHOOK_URL=https://discord.com/api/webhooks/… dropgen announce --target production --dry-run
            """)

    @OptionGroup var options: PublishTargetOptions

    @Flag(name: .long, help: "Print exactly what would be sent to each channel; send and record nothing.")
    var dryRun = false

    func run() async throws {
        try await runReportingErrors(Terminal(quiet: true)) {
            let publisher = try options.publisher()
            guard let announcer = try makeAnnouncer(site: options.siteURL, target: publisher.target, now: options.clock.fixed) else {
                printError("error: dropgen.yaml has no announce: section; nothing to announce")
                throw ExitCode(1)
            }
            let dryRun = dryRun
            let report = try await publisher.withinDeadline("announce") { publisher in
                try await announcer.run(catalog: LiveCatalog.read(from: publisher.target), dryRun: dryRun)
            }
            if options.json {
                try printJSON(report)
            } else {
                print(dryRun ? report.dryRunText : report.summary)
            }
        }
    }
}
