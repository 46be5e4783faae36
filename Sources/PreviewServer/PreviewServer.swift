import Foundation
import Hummingbird
import Logging
import SiteBuilder
import SiteManifest
import SiteSource
import StockLedger

/// `dropgen serve`: builds the site into a scratch folder, serves it as the edge would, rebuilds
/// when a source changes and tells open tabs to reload.
public struct PreviewServer: Sendable {
    public struct Options: Sendable {
        public var siteRoot: URL
        public var host: String
        /// 0 picks a free port (tests); `onReady` is told which.
        public var port: Int
        /// A fixed build clock (`--now`); nil uses the wall clock at each rebuild, so drops open
        /// in the preview when they would on the live site.
        public var now: Date?
        /// How often files are compared where the kernel does not report changes (not Linux).
        public var pollInterval: Duration
        /// How long the files must hold still before a rebuild starts.
        public var quietPeriod: Duration
        /// The Cache-Control of HTML and other revalidated files: the site's
        /// `publish.html_cache_control`, which the caller reads, so the preview answers as the edge will.
        public var htmlCacheControl: String
        /// The Cache-Control of the live stock files: the site's `publish.live_cache_control`.
        public var liveCacheControl: String
        /// The stock ledger every rebuild applies (`stock.from`, read once by the caller); nil for none.
        public var stock: StockLedger?

        public init(siteRoot: URL, host: String = "127.0.0.1", port: Int = 8080, now: Date? = nil,
                    pollInterval: Duration = .milliseconds(300), quietPeriod: Duration = .milliseconds(20),
                    htmlCacheControl: String = EdgeRules.defaultRevalidateCacheControl,
                    liveCacheControl: String = EdgeRules.defaultLiveCacheControl, stock: StockLedger? = nil) {
            self.siteRoot = siteRoot
            self.host = host
            self.port = port
            self.now = now
            self.pollInterval = pollInterval
            self.quietPeriod = quietPeriod
            self.htmlCacheControl = htmlCacheControl
            self.liveCacheControl = liveCacheControl
            self.stock = stock
        }
    }

    /// What happened, for the terminal.
    public enum Event: Sendable {
        case listening(host: String, port: Int)
        /// Edited drops' own pages, written ahead of the full rebuild (see `Session.previewDropEdits`).
        case previewed(paths: [String], seconds: Double)
        /// `rendered` of `pages` were rendered again; the rest kept their previous file.
        case built(pages: Int, rendered: Int, seconds: Double, changed: [String], stages: [SiteBuild.Report.Stage])
        case failed(BuildFailed)
        case internalError(String)
    }

    let options: Options
    let report: @Sendable (Event) -> Void
    let state = PreviewState()

    public init(options: Options, report: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.options = options
        self.report = report
    }

    /// Serves until the surrounding task is cancelled. The scratch folder is removed on the way out.
    public func run() async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-preview-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("public")
        let watcher = SiteWatcher(root: options.siteRoot.standardizedFileURL, pollInterval: options.pollInterval,
                                  quietPeriod: options.quietPeriod)
        defer { watcher.stop() }
        // Parsed drops and the last build's records, kept across rebuilds: an edit costs what it changes.
        let session = SiteBuild.Session(contentCache: await ContentCache.load(root: options.siteRoot.standardizedFileURL))
        await rebuild(into: output, changed: [], session: session)
        // Stopped during the first build (which runs to its end): an application started in a
        // cancelled task would never notice.
        try Task.checkCancellation()

        let options = self.options, report = self.report
        let app = Application(
            responder: SiteResponder(state: state, revalidateCacheControl: options.htmlCacheControl,
                                     liveCacheControl: options.liveCacheControl),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in
                report(.listening(host: options.host, port: channel.localAddress?.port ?? options.port))
            },
            logger: Logger(label: "dropgen.serve", factory: { _ in SwiftLogNoOpLogHandler() }))

        let state = self.state
        // Open event streams would hold a graceful shutdown forever: end them when we are cancelled.
        try await withTaskCancellationHandler {
            try await serve(app, watcher: watcher, output: output, session: session)
        } onCancel: {
            Task { await state.finishAll() }
        }
    }

    private func serve(_ app: some ApplicationProtocol, watcher: SiteWatcher, output: URL, session: SiteBuild.Session) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            group.addTask {
                while true {
                    try Task.checkCancellation()
                    // The watcher takes its stamps before the build, so an edit made while it
                    // runs triggers the next one.
                    let changed = try await watcher.nextChange()
                    await rebuild(into: output, changed: changed, session: session)
                }
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    /// One build into the scratch folder; the previous good build stays served if it fails.
    func rebuild(into output: URL, changed: [String], session: SiteBuild.Session) async {
        let started = ContinuousClock.now
        // An edited drop's page first, while the site builds: what the creator is looking at.
        if await state.failure == nil, let entries = session.previewDropEdits(changed) {
            await state.patched(entries)
            report(.previewed(paths: entries.map(\.path), seconds: seconds(since: started)))
        }
        do {
            let buildReport = try await SiteBuild.run(SiteBuild.Options(siteRoot: options.siteRoot, output: output,
                                                                        now: options.now ?? Date(), session: session,
                                                                        stock: options.stock)).report
            let site = try session.manifest.map { BuiltSite(folder: output, entries: $0) } ?? BuiltSite.load(folder: output)
            await state.succeeded(site)
            report(.built(pages: buildReport.record.pages, rendered: buildReport.pagesRendered, seconds: seconds(since: started),
                          changed: changed, stages: buildReport.seconds))
        } catch let failure as BuildFailed {
            await state.failed(failure.description)
            report(.failed(failure))
        } catch {
            await state.failed("error: \(error)")
            report(.internalError("\(error)"))
        }
    }
}

private func seconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start) / .seconds(1)
}
