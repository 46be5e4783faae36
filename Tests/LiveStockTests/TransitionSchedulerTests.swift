import Foundation
import StockLedger
import Testing
@testable import LiveStock

/// The scheduler against a virtual clock: its sleeps move the clock, so hours pass at once and
/// each refresh's time is exact. Naps of an hour, not the server's 30 s: each nap is a few task
/// hops, and 50 virtual hours of 30 s naps (6,000) took over a minute on CI's two cores while
/// the whole suite's other tests ran beside them.
@Suite struct TransitionSchedulerTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func scheduler(_ sink: RecordingSink, _ clock: TestClock, lines: LogLines = LogLines(),
                          status: LiveStatus = LiveStatus()) -> TransitionScheduler {
        TransitionScheduler(sink: sink, lane: UpdateLane(), clock: clock.live, backoff: Backoff(), maxNap: .seconds(3600),
                            logger: LiveLogger(log: lines.log, now: { clock.now }), status: status)
    }

    @Test func refreshesAtEachInstantAndReschedules() async throws {
        let clock = TestClock.virtual(Self.start)
        let sink = RecordingSink()
        let opens = Self.start + 3 * 3600 + 0.5, closes = Self.start + 50 * 3600
        await sink.set(transitions: [opens, closes], clock: clock)
        let lines = LogLines()
        let status = LiveStatus()
        let scheduler = Self.scheduler(sink, clock, lines: lines, status: status)
        let task = Task { await scheduler.run() }
        defer { task.cancel() }
        try await eventually("two refreshes") { await sink.refreshes.count == 2 }
        // At the instant, not a nap later: the last nap is cut to end there.
        #expect(await sink.refreshes == [opens, closes])
        let health = String(decoding: status.json(routes: [:]), as: UTF8.self)
        #expect(health.contains(#""last_publish":{"at":"2026-12-02T02:53:20.000Z","events":0,"outcome":"published","trigger":"transition","uploaded":null}"#))
        #expect(health.contains(#""next_transition":null"#))

        // An apply moved the schedule (a new drop opens): told, it refreshes at that instant too.
        let later = clock.now + 600
        await sink.set(transitions: [later], clock: clock)
        scheduler.reschedule()
        try await eventually("the third refresh") { await sink.refreshes.count == 3 }
        #expect(await sink.refreshes.last == later)
        #expect(lines.containing("transition=2026-11-30T03:53:20Z outcome=published next=2026-12-02T02:53:20Z").count == 1)
        task.cancel()
        await task.value
    }

    @Test func aTransitionAlreadyDueIsRefreshedAtOnce() async throws {
        let clock = TestClock.virtual(Self.start)
        let sink = RecordingSink()
        await sink.set(transitions: [Self.start - 5], clock: clock)
        let scheduler = Self.scheduler(sink, clock)
        let task = Task { await scheduler.run() }
        defer { task.cancel() }
        try await eventually("the refresh") { await sink.refreshes.count == 1 }
        #expect(await sink.refreshes == [Self.start])
        task.cancel()
        await task.value
    }

    /// A failing refresh is retried after the backoff, for the same instant.
    @Test func retriesAFailedRefresh() async throws {
        let clock = TestClock.virtual(Self.start)
        let sink = FailingRefreshSink(failures: 2)
        let lines = LogLines()
        let scheduler = TransitionScheduler(sink: sink, lane: UpdateLane(), clock: clock.live, backoff: Backoff(), maxNap: .seconds(3600),
                                            logger: LiveLogger(log: lines.log, now: { clock.now }), status: LiveStatus())
        let task = Task { await scheduler.run() }
        defer { task.cancel() }
        try await eventually("the refresh") { await sink.refreshed == 1 }
        #expect(await sink.attempts == 3)
        #expect(lines.containing("outcome=failed attempt=1 retry_in=0.5").count == 1)
        #expect(lines.containing("outcome=failed attempt=2 retry_in=1.0").count == 1)
        task.cancel()
        await task.value
    }
}

actor FailingRefreshSink: StockSink {
    var failures: Int
    private(set) var attempts = 0
    private(set) var refreshed = 0
    private var next: Date? = Date(timeIntervalSince1970: 1_796_000_000)

    init(failures: Int) { self.failures = failures }

    func knows(drop slug: String) async -> Bool { true }
    func apply(_ events: [StockEvent]) async throws -> StockUpdateSummary {
        StockUpdateSummary(outcomes: [:], uploaded: [], requests: 0, duration: 0)
    }
    func refresh() async throws -> Date? {
        attempts += 1
        if failures > 0 {
            failures -= 1
            throw SinkFailure()
        }
        refreshed += 1
        next = nil
        return nil
    }
    func nextTransition() async -> Date? { next }
}
