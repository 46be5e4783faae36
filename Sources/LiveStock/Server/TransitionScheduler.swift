import Foundation
import SiteManifest

/// Rebuilds and publishes at each drop state transition (a drop opening, closing, early access
/// starting), so the page flips on time without a CI cron: it sleeps until
/// `sink.nextTransition()`, calls `sink.refresh()` once that instant has come, and asks again.
/// A stock apply rebuilds too, which may move the next transition: `reschedule()` makes it ask
/// at once. Long waits are cut into naps of at most `maxNap` and the wall clock is read again
/// after each, so a clock that is set (NTP) still flips within a second or two of the instant.
actor TransitionScheduler {
    private let sink: any StockSink
    private let lane: UpdateLane
    private let clock: LiveClock
    private let backoff: Backoff
    private let maxNap: Duration
    private let logger: LiveLogger
    private let status: LiveStatus
    private let wake = Wakeup()

    init(sink: any StockSink, lane: UpdateLane, clock: LiveClock, backoff: Backoff, maxNap: Duration, logger: LiveLogger,
         status: LiveStatus) {
        self.sink = sink
        self.lane = lane
        self.clock = clock
        self.backoff = backoff
        self.maxNap = maxNap
        self.logger = logger
        self.status = status
    }

    /// The next transition may have moved (a stock apply rebuilt the site).
    nonisolated func reschedule() {
        wake.signal()
    }

    /// Until cancelled; a refresh in flight runs to its end first.
    func run() async {
        var failures = 0
        // The instant last refreshed for: a sink whose next transition does not move past it
        // (its clock behind ours) is not refreshed again and again; it is asked after a nap.
        var refreshed: Date?
        while !Task.isCancelled {
            let next = await sink.nextTransition()
            status.scheduled(next)
            let now = clock.now()
            if let next, next <= now, next != refreshed {
                let sink = self.sink, lane = self.lane
                let result = await Task { try await lane.run { try await sink.refresh() } }.result
                switch result {
                case .success(let following):
                    failures = 0
                    refreshed = next
                    status.scheduled(following)
                    status.published(.init(at: clock.now(), outcome: "published", trigger: "transition", events: 0, uploaded: nil))
                    logger.line(["transition": RFC3339.format(next), "outcome": "published",
                                 "next": following.map { RFC3339.format($0) } ?? "none"])
                    continue
                case .failure(let error):
                    failures += 1
                    let delay = backoff.delay(after: failures)
                    status.published(.init(at: clock.now(), outcome: "failed", trigger: "transition", events: 0, uploaded: nil))
                    logger.line(["transition": RFC3339.format(next), "outcome": "failed", "attempt": String(failures),
                                 "retry_in": Coalescer.seconds(delay), "error": Coalescer.describe(error)])
                    do { try await clock.sleep(delay) } catch { break }
                    continue
                }
            }
            // Nothing due: wait for the instant (a nap at most), or until an apply moves it.
            let nap: Duration? = next.flatMap { $0 > now ? min($0.duration(since: now), maxNap) : (next == refreshed ? maxNap : nil) }
            await sleep(nap)
        }
    }

    /// Returns after `duration` (never, if nil), at a `reschedule()`, or when cancelled.
    private func sleep(_ duration: Duration?) async {
        let clock = self.clock, wake = self.wake
        await withTaskGroup(of: Void.self) { group in
            if let duration { group.addTask { try? await clock.sleep(duration) } }
            group.addTask { try? await wake.wait() }
            await group.next()
            group.cancelAll()
        }
    }
}
