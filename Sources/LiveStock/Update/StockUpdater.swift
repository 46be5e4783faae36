import Announce
import Foundation
import Publisher
import SiteBuilder
import SiteManifest
import StockLedger

/// The one path from stock events to the edge: the ledger at the target, rebuild, publish.
/// `dropgen stock` runs it once; `dropgen live` runs it for every coalesced burst of webhooks and
/// at every drop state transition. One update at a time (an actor).
///
/// Order, and why: the caller has journaled the events (fsync) before, so a crash loses none;
/// the ledger is written at the target before the pages, so a build from git that reads it
/// (`stock.from`) can never show units that are already sold; the pages follow with the usual
/// safe publish, and the caller checkpoints the journal only after both. Applying journaled
/// events again changes nothing (the ledger knows applied ids) and still rebuilds and publishes,
/// so a crash anywhere converges on the next run.
public actor StockUpdater: StockSink {
    public struct Configuration: Sendable {
        public var siteRoot: URL
        /// The build folder that is published (`<site>/public` by default): updated in place.
        public var output: URL
        public var now: @Sendable () -> Date
        public var progress: (@Sendable (SiteBuild.Progress) -> Void)?
        /// Where the announcement channels' secrets are read (`announce:` names the variables).
        public var environment: [String: String]

        public init(siteRoot: URL, output: URL? = nil, now: @escaping @Sendable () -> Date,
                    progress: (@Sendable (SiteBuild.Progress) -> Void)? = nil,
                    environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.siteRoot = siteRoot.standardizedFileURL
            self.output = (output ?? siteRoot.appendingPathComponent("public")).standardizedFileURL
            self.now = now
            self.progress = progress
            self.environment = environment
        }
    }

    let configuration: Configuration
    let publisher: Publisher
    let store: LedgerStore
    /// Parsed drops and the last build's records, kept between updates: an update costs what it changed.
    let session = SiteBuild.Session(contentCache: ContentCache())
    /// Opening stock (front matter `remaining`, else `edition`) of every public drop, by slug.
    private var opening: [String: Int?] = [:]
    private var transition: Date?
    /// The site's announcer, made at the first update (`.some(nil)`: the site announces nothing).
    var announcer: Announcer??
    /// What the last update announced; nil when the site announces nothing.
    public private(set) var lastAnnouncements: AnnounceReport?

    public init(_ configuration: Configuration, publisher: Publisher) {
        self.configuration = configuration
        self.publisher = publisher
        self.store = LedgerStore(target: publisher.target)
    }

    // MARK: StockSink

    public func knows(drop slug: String) async -> Bool {
        if opening.isEmpty { try? await loadSite() }
        return opening[slug] != nil
    }

    public func nextTransition() async -> Date? {
        if opening.isEmpty { try? await loadSite() }
        return transition
    }

    public func refresh() async throws -> Date? {
        _ = try await update(with: [])
        return transition
    }

    /// Applies journaled events to the target's ledger, writes it, rebuilds and publishes.
    public func apply(_ events: [StockEvent]) async throws -> StockUpdateSummary {
        try await update(with: events)
    }

    // MARK: The update

    /// What `dropgen stock --dry-run` prints: each event's outcome against the target's ledger,
    /// and the publish plan of a build with the ledger it would write. That build goes to a
    /// scratch folder, removed afterwards: the build folder, the ledger and the target are left
    /// as they are.
    public func preview(_ events: [StockEvent]) async throws -> (outcomes: [(StockEvent, StockLedger.Outcome)], plan: DeployPlan) {
        try await loadSite()
        var ledger = try await store.read()
        let outcomes = ledger.apply(events, opening: openingStock)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-stock-plan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var options = SiteBuild.Options(siteRoot: configuration.siteRoot, output: scratch, now: configuration.now())
        options.stock = ledger
        _ = try await SiteBuild.run(options)
        return (Array(zip(events, outcomes)), try await publisher.plan(buildDirectory: scratch))
    }

    func update(with batch: [StockEvent]) async throws -> StockUpdateSummary {
        let started = Date()
        let requestsBefore = publisher.target.counters.requests
        if opening.isEmpty { try await loadSite() }
        var outcomes: [String: StockLedger.Outcome] = [:]
        // Read every time: another writer (CI, a second `dropgen stock`) may have moved it on, and
        // pages built from an older ledger would show units that are already sold.
        var current = try await store.read()
        if !batch.isEmpty {
            // A writer that got there first: read again and re-apply, a few times.
            for attempt in 1...4 {
                var next = current
                let results = next.apply(batch, opening: openingStock)
                outcomes = Dictionary(zip(batch.map(\.id), results), uniquingKeysWith: { first, _ in first })
                if next == current { break }
                do {
                    try await store.write(next)
                    current = next
                    break
                } catch is LedgerConflict where attempt < 4 {
                    current = try await store.read()
                }
            }
        }
        let report = try await rebuildAndPublish(with: current)
        // After the publish that made the change live: a shopper following the post finds it.
        lastAnnouncements = await announce()
        return StockUpdateSummary(outcomes: outcomes, uploaded: report.uploaded.map(\.key),
                                  requests: publisher.target.counters.requests - requestsBefore,
                                  duration: Date().timeIntervalSince(started))
    }

    private func rebuildAndPublish(with ledger: StockLedger) async throws -> PublishReport {
        var options = SiteBuild.Options(siteRoot: configuration.siteRoot, output: configuration.output,
                                        now: configuration.now(), progress: configuration.progress, session: session)
        options.stock = ledger
        let outcome = try await SiteBuild.run(options)
        transition = outcome.report.record.nextTransition.flatMap(RFC3339.parse)
        let output = configuration.output
        return try await publisher.withinDeadline("publish") { try await $0.publish(buildDirectory: output) }
    }

    /// Front-matter stock of every drop a shopper can see: the base for the first sale of a drop
    /// the ledger has no entry for yet.
    private func loadSite() async throws {
        let (site, _) = try await Site.load(root: configuration.siteRoot, now: configuration.now(), planMedia: false,
                                            cache: session.contentCache)
        var opening: [String: Int?] = [:]
        for drop in site.drops where drop.state != .draft { opening[drop.slug] = drop.remaining ?? drop.edition }
        self.opening = opening
        transition = SiteBuild.nextTransition(site)
    }

    private var openingStock: (String) -> Int? {
        let opening = self.opening
        return { slug in opening[slug] ?? nil }
    }
}
