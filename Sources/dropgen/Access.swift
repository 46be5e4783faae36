import ArgumentParser
import Foundation
import SiteBuilder
import SiteManifest

struct Access: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "List each early-access holder's personal link, to send to them.",
        discussion: """
            For every drop whose early access is open or still to come: each holder of its badges \
            (not revoked) and the personal page a build writes for them, /access/<token>/. Tokens \
            are derived from DROPGEN_ACCESS_SECRET, which must be the one the published build used. \
            Nothing of this is published or written into the site; --csv writes the list to FILE \
            (mode 0600), which may not be inside the site's public/ or static/ folder.

            Example: DROPGEN_ACCESS_SECRET=… dropgen access --site market --csv holders.csv
            With --json: { "drops": [{ "slug", "title", "state", "early_access_opens", "opens", \
            "holders": [{ "id", "name", "url" }] }] }.
            """)

    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var clock: ClockOptions<DropStateClock>

    @Flag(name: .long, help: "Print a machine-readable report.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Also write the list as CSV (one row per holder) to FILE.", valueName: "FILE"))
    var csv: String?

    struct Report: Encodable {
        struct Drop: Encodable {
            var slug, title, state, earlyAccessOpens: String
            var opens: String?
            var holders: [Holder]
            enum CodingKeys: String, CodingKey { case slug, title, state, earlyAccessOpens = "early_access_opens", opens, holders }
        }

        struct Holder: Encodable {
            var id: String
            var name: String?
            var url: String
        }

        var drops: [Drop]
    }

    func validate() throws {
        guard let csv else { return }
        let file = URL(fileURLWithPath: csv).standardizedFileURL.path
        for folder in ["public", "static"] where file.hasPrefix(siteOptions.root.appendingPathComponent(folder).path + "/") {
            throw ValidationError("--csv \(csv): inside the site's \(folder)/ folder, the list would be published; write it elsewhere")
        }
    }

    func run() async throws {
        let terminal = Terminal(quiet: true)
        let list = try await runReportingErrors(terminal) {
            try await AccessList.make(root: siteOptions.root, now: clock.date)
        }
        if let csv {
            // Capability links: readable by their owner alone.
            guard FileManager.default.createFile(atPath: csv, contents: Data(list.csv.utf8), attributes: [.posixPermissions: 0o600]) else {
                printError("--csv \(csv): could not write the file")
                throw ExitCode(1)
            }
        }
        if json {
            try printJSON(Report(drops: list.drops.map { entry in
                Report.Drop(slug: entry.slug, title: entry.title, state: entry.state, earlyAccessOpens: entry.earlyAccessOpens,
                            opens: entry.opens, holders: entry.holders.map { Report.Holder(id: $0.id, name: $0.name, url: $0.url) })
            }))
            return
        }
        if list.drops.isEmpty { print("No drop has early access open or to come.") }
        for entry in list.drops {
            let opens = entry.opens.map { ", everyone from \($0)" } ?? ""
            print(LineSafe.terminalEscaped("\(entry.title) (\(entry.slug)): early access from \(entry.earlyAccessOpens)\(opens)"))
            // Columns: id, name (blank unless public), URL.
            let idWidth = entry.holders.map(\.id.count).max() ?? 0, nameWidth = entry.holders.map { $0.name?.count ?? 0 }.max() ?? 0
            for holder in entry.holders {
                let id = holder.id.padding(toLength: idWidth, withPad: " ", startingAt: 0)
                let name = (holder.name ?? "").padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                print(LineSafe.terminalEscaped("  \(id)  \(name)  \(holder.url)"))
            }
        }
    }
}
