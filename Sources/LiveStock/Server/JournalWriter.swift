import Dispatch
import Foundation
import StockLedger

/// What the live server needs of the write-ahead journal: `StockJournal`, or a test's journal
/// that fails on purpose. `append` returns only once the events are on disk (fsync).
public protocol EventJournal: Sendable {
    func append(_ events: [StockEvent]) throws
    func pending() throws -> [StockEvent]
    func checkpoint(applied events: [StockEvent]) throws
}

/// The journal's blocking calls (each append ends in an fsync) on a thread of their own, so a
/// burst of webhooks does not hold the few threads every request and publish runs on. Appends
/// that arrive while one is being written are written together, with one fsync (a group commit):
/// a burst costs a few fsyncs, not one per webhook. Each caller returns only once its events are
/// on disk; if a group's write fails, every caller of that group gets the error.
final class JournalWriter: @unchecked Sendable {
    let journal: any EventJournal
    private let queue = DispatchQueue(label: "dropgen.live.journal")
    private let lock = NSLock()
    private var waiting: [(events: [StockEvent], done: CheckedContinuation<Void, any Error>)] = []
    private var writing = false

    init(_ journal: any EventJournal) {
        self.journal = journal
    }

    func append(_ events: [StockEvent]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = lock.withLock {
                waiting.append((events, continuation))
                if writing { return false }
                writing = true
                return true
            }
            if start { queue.async { self.writeWaiting() } }
        }
    }

    /// Appends waiting for the write in progress.
    var queued: Int { lock.withLock { waiting.count } }

    func checkpoint(applied events: [StockEvent]) async throws {
        let journal = self.journal
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                do {
                    try journal.checkpoint(applied: events)
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// On `queue`: writes what waits, group by group, until nothing does.
    private func writeWaiting() {
        while true {
            let group = lock.withLock { () -> [(events: [StockEvent], done: CheckedContinuation<Void, any Error>)] in
                let group = waiting
                waiting = []
                if group.isEmpty { writing = false }
                return group
            }
            guard !group.isEmpty else { return }
            do {
                try journal.append(group.flatMap(\.events))
                for caller in group { caller.done.resume() }
            } catch {
                for caller in group { caller.done.resume(throwing: error) }
            }
        }
    }
}
