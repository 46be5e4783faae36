import ArgumentParser
import Foundation
import SiteBuilder

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new working site: settings, a sample drop, creator, badge, policy and a CI workflow.",
        discussion: "DIR must be new or empty. `dropgen build` works in it straight away.")

    @Argument(help: ArgumentHelp("Where to create the site (default: the current folder).", valueName: "DIR"))
    var directory: String = "."

    @OptionGroup var clock: ClockOptions<DropStateClock>

    func run() async throws {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        let paths = try await runReportingErrors(Terminal(quiet: true)) {
            try Scaffold.initSite(at: folder, now: clock.date)
        }
        for path in paths { print("  wrote \(path)") }
        let cd = directory == "." ? "" : "cd \(directory) && "
        print("New site in \(folder.standardizedFileURL.path). Next: \(cd)dropgen serve  (or: dropgen build, dropgen new drop \"Title\")")
    }
}
