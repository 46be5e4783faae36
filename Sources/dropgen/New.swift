import ArgumentParser
import Foundation
import SiteBuilder
import SiteManifest

struct New: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create new content from a commented template.",
        subcommands: [NewDrop.self])
}

struct NewDrop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drop",
        abstract: "Write content/drops/<slug>.md with every key explained, opening at the next cadence slot.",
        discussion: "The new drop is a draft until you remove its `status: draft` line. An existing file is never overwritten.")

    @Argument(help: "The drop's title; its slug becomes the file name.")
    var title: String

    @Option(name: .long, help: ArgumentHelp("The creator's id (a file name in content/creators/). Optional when there is only one.", valueName: "ID"))
    var creator: String?

    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var clock: ClockOptions<DropStateClock>

    func validate() throws {
        // The title is an argument: a title that cannot name a file is a usage error.
        if let problem = Scaffold.titleProblem(title) { throw ValidationError("title: \(problem)") }
    }

    func run() async throws {
        let drop = try await runReportingErrors(Terminal(quiet: true)) {
            try Scaffold.newDrop(title: title, creator: creator, siteRoot: siteOptions.root, now: clock.date)
        }
        print("Wrote \(drop.path) (creator \(drop.creator), opens \(RFC3339.format(drop.opens))).")
        print("It is a draft: fill it in, then remove `status: draft` to publish it at /drops/\(drop.slug)/.")
    }
}
