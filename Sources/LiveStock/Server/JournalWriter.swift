import Dispatch
import StockLedger

/// What the live server needs of the write-ahead journal: `StockJournal`, or a test's journal
/// that fails on purpose. `append` returns only once the events are on disk (fsync).
public protocol EventJournal: Sendable {
    func append(_ events: [StockEvent]) throws
    func pending() throws -> [StockEvent]
    func checkpoint(applied events: [StockEvent]) throws
}

/// The journal's blocking calls (each append ends in an fsync) on a thread of their own, one at
/// a time, so a burst of webhooks does not hold the few threads every request and publish runs on.
struct JournalWriter: Sendable {
    let journal: any EventJournal
    private let queue = DispatchQueue(label: "dropgen.live.journal")

    init(_ journal: any EventJournal) {
        self.journal = journal
    }

    func append(_ events: [StockEvent]) async throws {
        try await run { try journal.append(events) }
    }

    func checkpoint(applied events: [StockEvent]) async throws {
        try await run { try journal.checkpoint(applied: events) }
    }

    private func run(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                do {
                    try work()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
