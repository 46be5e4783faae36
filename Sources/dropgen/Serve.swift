import ArgumentParser
import Dispatch
import Foundation
import PreviewServer
import Publisher
import SiteBuilder
import SiteManifest

#if canImport(Glibc)
import Glibc
#endif

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview the site with live reload, served with the edge's headers.",
        discussion: """
            Builds into a scratch folder (public/ is not touched), rebuilds when dropgen.yaml, content/, \
            templates/, static/ or data/ change, and reloads the open tabs showing a changed page. An \
            edited drop's own page is updated first, in milliseconds, then the rest of the site. \
            Cache-Control, Content-Type, ETags, 304s and byte ranges follow the Publisher's edge rules. \
            With stock.from in dropgen.yaml, that target's stock ledger is read once at the start. \
            Stop with Ctrl-C.
            """)

    @OptionGroup var siteOptions: SiteOptions

    @OptionGroup var clock: ClockOptions<PreviewClock>

    @Option(name: .long, help: "The port to listen on.")
    var port: Int = 8080

    @Option(name: .long, help: "The address to bind; the default keeps the preview on this machine.")
    var host: String = "127.0.0.1"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port): expected 0…65535") }
    }

    func run() async throws {
        // The preview answers with the Cache-Control the site publishes with; a publish: section
        // that does not load leaves the default, and `publish` reports it.
        let publish = try? PublishConfig.load(siteRoot: siteOptions.root)
        let htmlCacheControl = publish?.htmlCacheControl ?? EdgeRules.defaultRevalidateCacheControl
        let liveCacheControl = publish?.liveCacheControl ?? EdgeRules.defaultLiveCacheControl
        // `stock.from`: the ledger is read once, here; a stock change shows after a restart.
        // A dropgen.yaml that does not load is the first build's to report, in the browser too.
        let root = siteOptions.root
        let stock = (try? SiteConfig.load(root: root))?.stockFrom == nil ? nil
            : try await runReportingErrors(Terminal(quiet: true)) {
                try await StockFrom.ledger(siteRoot: root, override: nil, build: root.appendingPathComponent("public"))
            }
        let options = PreviewServer.Options(siteRoot: siteOptions.root, host: host, port: port, now: clock.fixed,
                                            htmlCacheControl: htmlCacheControl, liveCacheControl: liveCacheControl, stock: stock)
        let server = PreviewServer(options: options) { event in
            switch event {
            case .listening(let host, let port):
                say("Serving \(options.siteRoot.path) at http://\(host):\(port)/ — edits rebuild and reload. Ctrl-C stops.")
            case .previewed(let paths, let seconds):
                say("Updated \(paths.count == 1 ? paths[0] : "\(paths.count) drop pages") in \(Int((seconds * 1000).rounded())) ms; building the rest…")
            case .built(let pages, let rendered, let seconds, let changed, let stages):
                let what = changed.isEmpty ? "" : " after " + (changed.count <= 3 ? changed.joined(separator: ", ") : "\(changed.count) changes")
                let time = String(format: "%.2f", seconds)
                say(rendered == pages ? "Built \(pages) pages in \(time) s\(what)."
                    : "Rendered \(rendered) of \(pages) pages in \(time) s\(what); the rest were unchanged.")
                // Where a slow rebuild's time went, so a creator can tell a heavy template from a slow disk.
                if seconds >= 1 {
                    say("  " + stages.map { "\($0.stage.lowercased()) \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", "))
                }
            case .failed(let failure):
                printError(failure.listing
                           + "\nThe build failed; the browser shows these errors until they are fixed.")
            case .internalError(let message):
                printError("error: \(message)")
            }
        }
        // Ctrl-C cancels the server task, which removes the scratch folder on its way out.
        let task = Task { try await server.run() }
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        for source in sources {
            source.setEventHandler { task.cancel() }
            source.resume()
        }
        // The sources must outlive the wait: an optimized build may otherwise release them (and
        // with them the handlers) right after they are resumed, and Ctrl-C would do nothing.
        defer { withExtendedLifetime(sources) {} }
        do {
            try await task.value
        } catch is CancellationError {
        } catch {
            printError("error: \(error)")
            throw ExitCode.internalFailure
        }
    }
}

/// A line on stdout, written at once: `serve` runs for hours, often into a pipe or a log file,
/// where `print` would hold its output in a buffer.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
