import Foundation
import StockLedger

/// Turns a burst of journaled events into one `sink.apply`: the first event after a quiet spell
/// starts a short window (`window`, 150 ms by default), then everything pending is applied as
/// one batch; events arriving during an apply form the next batch. After a successful apply the
/// journal forgets the batch (`checkpoint`); after a failure the batch stays pending, ahead of
/// newer events, and is retried after a growing wait. Events that the journal held at start go
/// first, without a window: a crash loses none, and a repeat is harmless (the ledger applies an
/// id once).
actor Coalescer {
    private let sink: any StockSink
    private let journal: JournalWriter
    private let lane: UpdateLane
    private let window: Duration
    private let backoff: Backoff
    private let clock: LiveClock
    private let logger: LiveLogger
    private let status: LiveStatus
    /// Told after each successful apply: the rebuild may have moved the next transition.
    private let applied: @Sendable () -> Void

    private var pending: [StockEvent] = []
    private let work = Wakeup()

    init(sink: any StockSink, journal: JournalWriter, lane: UpdateLane, window: Duration, backoff: Backoff, clock: LiveClock,
         logger: LiveLogger, status: LiveStatus, applied: @escaping @Sendable () -> Void) {
        self.sink = sink
        self.journal = journal
        self.lane = lane
        self.window = window
        self.backoff = backoff
        self.clock = clock
        self.logger = logger
        self.status = status
        self.applied = applied
    }

    /// The journal's events at start, applied before any new one.
    func replay(_ events: [StockEvent]) {
        guard !events.isEmpty else { return }
        pending.insert(contentsOf: events, at: 0)
        status.queued(pending: pending.count, applying: 0)
        work.signal()
    }

    /// Journaled events, for the next batch.
    func submit(_ events: [StockEvent]) {
        guard !events.isEmpty else { return }
        pending.append(contentsOf: events)
        status.queued(pending: pending.count, applying: 0)
        work.signal()
    }

    /// Applies batches until cancelled. An apply in flight is not cancelled: it runs to its end
    /// (and its checkpoint) first. Events still pending then stay in the journal for the next start.
    func run() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                // The window opens only after a quiet spell: events that waited for an apply, a
                // retry or the replay have waited enough.
                var quiet = false
                while pending.isEmpty {
                    quiet = true
                    try await work.wait()
                }
                if quiet { try await clock.sleep(window) }
            } catch {
                break
            }
            let batch = pending
            pending = []
            status.queued(pending: 0, applying: batch.count)
            // Its own task: cancelling the server must not cut a publish in half.
            let sink = self.sink, lane = self.lane
            let result = await Task { try await lane.run { try await sink.apply(batch) } }.result
            switch result {
            case .success(let summary):
                failures = 0
                await finish(batch, summary)
            case .failure(let error):
                failures += 1
                pending.insert(contentsOf: batch, at: 0)
                status.queued(pending: pending.count, applying: 0)
                let delay = backoff.delay(after: failures)
                status.published(.init(at: clock.now(), outcome: "failed", trigger: "stock", events: batch.count, uploaded: nil))
                logger.line(["publish": "failed", "events": String(batch.count), "attempt": String(failures),
                             "retry_in": Self.seconds(delay), "error": Self.describe(error)])
                do { try await clock.sleep(delay) } catch { break }
            }
        }
        if !pending.isEmpty {
            logger.line(["stopping": "\(pending.count) events stay in the journal for the next start"])
        }
    }

    private func finish(_ batch: [StockEvent], _ summary: StockUpdateSummary) async {
        // A sink that also applied what else the journal held (events journaled during the
        // window) has done those too.
        let swept = pending.filter { summary.outcomes[$0.id] != nil }
        if !swept.isEmpty { pending.removeAll { summary.outcomes[$0.id] != nil } }
        let done = batch + swept
        var checkpointed = true
        do {
            try await journal.checkpoint(applied: done)
        } catch {
            // The events stay in the journal and are offered again at the next start: the ledger
            // knows their ids, so nothing is applied twice.
            checkpointed = false
        }
        status.queued(pending: pending.count, applying: 0)
        status.published(.init(at: clock.now(), outcome: "published", trigger: "stock", events: done.count,
                                uploaded: summary.uploaded.count))
        for event in done {
            logger.line(["source": event.source, "event": event.id, "drop": event.drop, "change": event.change.logText,
                         "outcome": summary.outcomes[event.id].map(\.logText) ?? "published, no outcome reported"])
        }
        logger.line(["publish": "ok", "events": String(done.count), "uploaded": String(summary.uploaded.count),
                     "requests": String(summary.requests), "seconds": String(format: "%.3f", summary.duration),
                     "checkpoint": checkpointed ? "ok" : "failed, the events are offered again at the next start"])
        applied()
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    /// An error for one log line: no line breaks, bounded.
    static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(300))
    }
}

extension StockEvent.Change {
    /// `sold:2`, `remaining:5`.
    var logText: String {
        switch self {
        case .sold(let units): "sold:\(units)"
        case .remaining(let units): "remaining:\(units)"
        }
    }
}

extension StockLedger.Outcome {
    var logText: String {
        switch self {
        case .applied(let remaining): "applied remaining=\(remaining)"
        case .duplicate: "duplicate"
        case .oversold(let remaining, let short): "oversold remaining=\(remaining) short=\(short)"
        case .rejected(let reason): "rejected: \(reason)"
        }
    }
}
