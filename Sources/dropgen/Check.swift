import ArgumentParser
import Foundation
import Publisher
import SiteBuilder
import SiteManifest

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build into a scratch folder, then check internal links and size budgets.",
        discussion: """
            Everything `build` validates and the `publish:` section of dropgen.yaml, plus: every href/src/srcset/poster starting with / must resolve to \
            a built file, and pages must fit the `budgets:` of dropgen.yaml (defaults: page_kb_gzip 14, \
            poster_kb 80, hero_clip_kb 2048, page_weight_kb 300); every hero clip's size is printed against \
            hero_clip_kb. public/ is never touched. Exit 1 when anything fails.
            """)

    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var clock: ClockOptions<DropStateClock>

    @Flag(name: .long, help: "Print a machine-readable report instead of text.")
    var json = false

    func run() async throws {
        let terminal = Terminal(quiet: json)
        let (_, report) = try await runReportingErrors(terminal) {
            try await reportingPublishConfig {
                try await SiteCheck.run(siteRoot: siteOptions.root, now: clock.date, progress: terminal.progressHandler)
            }
        }
        terminal.finishProgress()
        if json {
            try printJSON(report)
        } else {
            // Each clip's size against its budget, passing or not: a clip near the limit is news.
            for clip in report.clips.prefix(100) { print(LineSafe.terminalEscaped(clip.description)) }
            // As with build errors: the first 100, then how many more (`--json` lists them all).
            for violation in report.violations.prefix(100) { print(LineSafe.terminalEscaped(violation.description)) }
            let count = report.violations.count
            if count > 100 { print("and \(count - 100) more") }
            print(count == 0
                  ? "OK: \(report.pages) pages, \(report.links) internal links, all within budget."
                  : "\(count) problem\(count == 1 ? "" : "s") in \(report.pages) pages (\(report.links) internal links checked).")
        }
        if !report.passed { throw ExitCode(1) }
    }
}
