import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import StockLedger

/// `dropgen live`: a small long-running server that receives checkout webhooks, journals their
/// events (fsync) before answering 2xx, applies them in coalesced batches through a `StockSink`
/// (ledger → rebuild → publish) and republishes at each drop state transition.
///
/// ```swift
/// let server = LiveServer(configuration: .init(host: "127.0.0.1", port: 8090), sink: updater,
///                         journal: journal, secrets: .environment())
/// try await server.run { host, port in print("listening on http://\(host):\(port)/") }
/// ```
/// `run` returns (normally) after SIGTERM or SIGINT: the server stops accepting, answers the
/// requests in flight, lets an apply or refresh in flight finish and checkpoint, then returns.
/// Events journaled but not yet applied stay in the journal; the next start replays them first.
public final class LiveServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (tests); `run`'s `onListening` is told which.
        public var port: Int
        /// A larger body is answered 413 without being read further.
        public var maxBodyBytes: Int
        /// How long the first event of a burst waits for the rest before they are applied together.
        public var coalesceWindow: Duration
        /// How far Stripe's signed timestamp may be from now.
        public var stripeTolerance: TimeInterval
        /// Waits before a failed apply or refresh is tried again.
        public var retry: Backoff
        /// The longest single wait for a transition before the wall clock is read again.
        public var maxNap: Duration
        /// How many event ids are kept in memory to answer redeliveries `{"duplicate": true}`.
        public var rememberedEventIDs: Int
        /// Stop gracefully on SIGTERM and SIGINT (off in tests, which call `shutdown()`).
        public var handlesSignals: Bool

        public init(host: String = "127.0.0.1", port: Int = 8090, maxBodyBytes: Int = 1 << 20,
                    coalesceWindow: Duration = .milliseconds(150), stripeTolerance: TimeInterval = StripeSignature.defaultTolerance,
                    retry: Backoff = Backoff(), maxNap: Duration = .seconds(30), rememberedEventIDs: Int = 100_000,
                    handlesSignals: Bool = true) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.coalesceWindow = coalesceWindow
            self.stripeTolerance = stripeTolerance
            self.retry = retry
            self.maxNap = maxNap
            self.rememberedEventIDs = rememberedEventIDs
            self.handlesSignals = handlesSignals
        }
    }

    let configuration: Configuration
    let sink: any StockSink
    let journal: any EventJournal
    let secrets: WebhookSecrets
    let clock: LiveClock
    let logger: LiveLogger
    private let control = GroupControl()

    public init(configuration: Configuration = Configuration(), sink: any StockSink, journal: any EventJournal,
                secrets: WebhookSecrets, clock: LiveClock = .system, log: LiveLog = .standardError) {
        self.configuration = configuration
        self.sink = sink
        self.journal = journal
        self.secrets = secrets
        self.clock = clock
        self.logger = LiveLogger(log: log, now: clock.now)
    }

    /// Serves until SIGTERM/SIGINT (with `handlesSignals`) or `shutdown()`, then returns; throws
    /// if the journal cannot be read at start or the address cannot be bound.
    public func run(onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }) async throws {
        let configuration = self.configuration, logger = self.logger
        // Crash recovery first: what the journal holds was acknowledged and may not be applied yet.
        let replay = try journal.pending()
        let status = LiveStatus()
        let lane = UpdateLane()
        let writer = JournalWriter(journal)
        let seen = SeenEvents(limit: configuration.rememberedEventIDs)
        await seen.remember(replay.map { $0.id })
        let scheduler = TransitionScheduler(sink: sink, lane: lane, clock: clock, backoff: configuration.retry,
                                            maxNap: configuration.maxNap, logger: logger, status: status)
        let coalescer = Coalescer(sink: sink, journal: writer, lane: lane, window: configuration.coalesceWindow,
                                  backoff: configuration.retry, clock: clock, logger: logger, status: status,
                                  applied: { scheduler.reschedule() })
        if !replay.isEmpty { logger.line(["journal": "\(replay.count) events from before the last stop, applied first"]) }
        await coalescer.replay(replay)
        for route in WebhookRoute.allCases {
            logger.line(["route": route.path, "state": secrets[route] == nil ? "off (\(route.secretVariable) is not set)" : "on"])
        }

        let responder = LiveResponder(sink: sink, journal: writer, secrets: secrets, seen: seen, coalescer: coalescer, status: status,
                                      clock: clock, logger: logger, maxBodyBytes: configuration.maxBodyBytes,
                                      stripeTolerance: configuration.stripeTolerance)
        let quiet = Logger(label: "dropgen.live", factory: { _ in SwiftLogNoOpLogHandler() })
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.line(["listening": "http://\(configuration.host):\(port)/"])
                onListening(configuration.host, port)
            },
            logger: quiet)
        // Shut down in reverse order: the server first (no new events, those in flight journaled),
        // then the scheduler and the coalescer, each finishing its update in flight.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    ServiceGroupConfiguration.ServiceConfiguration(service: BackgroundService { await coalescer.run() }),
                    ServiceGroupConfiguration.ServiceConfiguration(service: BackgroundService { await scheduler.run() }),
                    ServiceGroupConfiguration.ServiceConfiguration(service: app),
                ],
                gracefulShutdownSignals: configuration.handlesSignals ? [.sigterm, .sigint] : [],
                logger: quiet))
        await control.started(group)
        defer { Task { await control.stopped() } }
        try await group.run()
        logger.line(["stopped": "cleanly"])
    }

    /// Stops as SIGTERM does. Before `run` has started, the server stops as soon as it does.
    public func shutdown() async {
        await control.shutdown()
    }
}

/// The running group, for `shutdown()`.
private actor GroupControl {
    private var group: ServiceGroup?
    private var requested = false

    func started(_ group: ServiceGroup) async {
        self.group = group
        if requested { await group.triggerGracefulShutdown() }
    }

    func stopped() { group = nil }

    func shutdown() async {
        requested = true
        await group?.triggerGracefulShutdown()
    }
}

/// A loop that ends when cancelled, cancelled at the group's graceful shutdown.
private struct BackgroundService: Service {
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
    }
}
