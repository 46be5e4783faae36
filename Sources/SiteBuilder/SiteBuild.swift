import Foundation
import MediaPipeline
import SiteManifest
import StockLedger

/// `dropgen build`: check for changes, load (planning media), render into an output destination,
/// encode media, write the records, commit.
public enum SiteBuild {
    /// What the site gives a build: anything else in its folder is never read.
    public static let inputs = ["dropgen.yaml", "content", "data", "templates", "static"]

    public struct Options: Sendable {
        public var siteRoot: URL
        /// Defaults to `<site>/public`.
        public var output: URL?
        public var now: Date
        /// Remove cached media that this build no longer references.
        public var pruneCache: Bool
        public var progress: (@Sendable (Progress) -> Void)?
        /// What `dropgen serve` keeps in memory across rebuilds; nil for a one-off build, which
        /// reads the site's content cache and the previous output's records from disk.
        public var session: Session?
        /// The stock ledger (`stock.from`, `--stock-from`): an entry overrides its drop's
        /// `remaining`, and the state follows. Its digest is one of the build's inputs.
        public var stock: StockLedger?
        /// The key of the personal early-access pages' links (`AccessToken`): by default
        /// `DROPGEN_ACCESS_SECRET` from the environment. Used for the tokens, kept in no output.
        public var accessSecret: String?

        public init(siteRoot: URL, output: URL? = nil, now: Date, pruneCache: Bool = false,
                    progress: (@Sendable (Progress) -> Void)? = nil, session: Session? = nil, stock: StockLedger? = nil,
                    accessSecret: String? = SiteBuild.environmentAccessSecret) {
            self.accessSecret = accessSecret
            self.siteRoot = siteRoot
            self.output = output
            self.now = now
            self.pruneCache = pruneCache
            self.progress = progress
            self.session = session
            self.stock = stock
        }
    }

    public enum Progress: Sendable {
        case stage(String)
        case media(done: Int, total: Int, path: String)
        /// Pages considered so far (rendered, or kept by their fingerprint).
        case pages(done: Int, total: Int)
    }

    /// What a build leaves: its report, and the values it made. A command line run keeps the
    /// outcome until the process exits, so those values are never freed one by one (as clang's
    /// `-disable-free`): for a large site, tearing down every drop, page and record took a tenth
    /// of a cold build's time, on one core, after the work.
    public struct Outcome: Sendable {
        public let report: Report
        let made: [any Sendable]
    }

    /// The build, step by step; each step is a function of `Run` (SiteBuild+Steps.swift).
    public static func run(_ options: Options) async throws -> Outcome {
        let run = try Run(options)
        let stamps: InputStamps?
        switch try await run.checkForChanges() {
        case .unchanged(let outcome): return outcome
        case .changed(let current): stamps = current
        }
        let loaded = try await run.load()
        // Saved while the pages render and are written.
        async let cacheSaved: Void = run.saveCache(loaded)
        let fingerprints = await run.previousFingerprints(loaded)
        let destination: any OutputDestination = if let previous = loaded.previous { InPlaceOutput(previous: previous) } else {
            try StagedOutput(replacing: run.output)
        }
        do {
            let rendered = try await run.render(loaded, previous: fingerprints, into: destination)
            run.progress(.stage(destination.writeStage))
            let (written, mediaJobs) = try await destination.write(rendered, media: loaded.jobs)
            let media = try await run.encodeMedia(mediaJobs, of: loaded, into: destination.folder)
            let (report, manifest) = try await run.writeRecords(of: loaded, rendered, written, media, stamps: stamps, into: destination.folder)
            try destination.commit()
            run.remember(manifest, rendered)
            await cacheSaved
            return Outcome(report: report, made: [loaded, rendered, manifest])
        } catch {
            destination.discard()
            throw error
        }
    }

    /// `DROPGEN_ACCESS_SECRET`, when set and not empty.
    public static var environmentAccessSecret: String? {
        ProcessInfo.processInfo.environment[AccessToken.secretVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The earliest instant after the build clock at which any drop changes state.
    public static func nextTransition(_ site: Site) -> Date? {
        site.upcomingTransitions().first?.at
    }

    static func isSameOrAncestor(_ candidate: URL, of root: URL) -> Bool {
        let a = candidate.standardizedFileURL.path, b = root.standardizedFileURL.path
        return a == b || (b + "/").hasPrefix(a + "/")
    }
}
