import ArgumentParser
import Foundation
import SiteBuilder

struct Build: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the site into public/ (or --out), with media, feeds and a manifest.",
        discussion: """
            The new output is written to a fresh folder beside the target and moved into place in \
            one step: a build that fails leaves the previous output exactly as it was.
            """)

    @OptionGroup var siteOptions: SiteOptions
    @OptionGroup var clock: ClockOptions<DropStateClock>

    @Option(name: .long, help: ArgumentHelp("Write the site here instead of <site>/public.", valueName: "DIR"))
    var out: String?

    @Flag(name: .long, help: "Remove cached media that this build no longer uses.")
    var pruneCache = false

    @Flag(name: .long, help: "Print a machine-readable report instead of progress.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Apply the stock ledger of this publish target (default: stock.from in dropgen.yaml).",
                                            valueName: "NAME"))
    var stockFrom: String?

    func validate() throws {
        // The new output is staged beside it as `.<name>.staging-<pid>`: its name must leave room,
        // and every folder on the way must be a name the file system takes.
        if let stockFrom, stockFrom.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--stock-from: expected the name of a publish target (publish.targets in dropgen.yaml)")
        }
        guard let out else { return }
        let names = URL(fileURLWithPath: out).standardizedFileURL.pathComponents.filter { $0 != "/" }
        if let long = names.first(where: { $0.utf8.count > 255 }) {
            throw ValidationError("--out \(out): the folder name \"\(long.prefix(40))…\" is \(long.utf8.count) bytes long; file systems take at most 255")
        }
        if let name = names.last, name.utf8.count > 200 {
            throw ValidationError("--out \(out): the folder name is \(name.utf8.count) bytes long; at most 200 leave room for the staging folder beside it")
        }
    }

    func run() async throws {
        let terminal = Terminal(quiet: json)
        let output = out.map { URL(fileURLWithPath: $0, isDirectory: true) }
        var options = SiteBuild.Options(
            siteRoot: siteOptions.root, output: output, now: clock.date, pruneCache: pruneCache, progress: terminal.progressHandler)
        let started = Date()
        let outcome = try await runReportingErrors(terminal) {
            options.stock = try await StockFrom.ledger(siteRoot: siteOptions.root, override: stockFrom,
                                                       build: output ?? siteOptions.root.appendingPathComponent("public"))
            return try await SiteBuild.run(options)
        }
        keptUntilExit = outcome
        let report = outcome.report
        terminal.finishProgress()
        if json {
            try printJSON(report)
        } else {
            let output = out ?? siteOptions.root.appendingPathComponent("public").path
            let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
            let rendered = report.pagesRendered == report.record.pages ? "" : " (\(report.pagesRendered) rendered, the rest unchanged)"
            print("Built \(report.record.pages) pages\(rendered), \(report.files) files (\(formatBytes(report.bytes))) into \(output) in \(seconds) s; "
                  + "\(report.filesRewritten) rewritten, \(report.filesUnchanged) unchanged.")
            print("Media: \(report.mediaEncoded) encoded, \(report.mediaCacheHits) from cache\(report.mediaPruned > 0 ? ", \(report.mediaPruned) pruned" : "").")
            if let next = report.record.nextTransition { print("Next drop state change: \(next) (run `dropgen build` again then).") }
        }
        for warning in report.warnings ?? [] { printError("warning: \(warning)") }
    }
}

/// The last build's values, never freed: the process ends right after the command, and tearing
/// a large site down value by value would cost a tenth of its build (see `SiteBuild.Outcome`).
nonisolated(unsafe) private var keptUntilExit: SiteBuild.Outcome?
