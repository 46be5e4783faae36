import Foundation
import StockLedger

/// What the live server drives; implemented by `StockUpdater`. Server tests use a fake.
public protocol StockSink: Sendable {
    /// Whether `slug` is a drop of the site (unknown -> 422).
    func knows(drop slug: String) async -> Bool
    /// Applies journaled events: ledger (LedgerStore.write), rebuild, publish. Returns what changed.
    func apply(_ events: [StockEvent]) async throws -> StockUpdateSummary
    /// Rebuild and publish at a state transition (no stock change). Returns the next transition instant.
    func refresh() async throws -> Date?
    /// The next state transition after now (for the scheduler), as of the last build.
    func nextTransition() async -> Date?
}

/// What one `StockSink.apply` changed: for the log line of each event and for `/healthz`.
public struct StockUpdateSummary: Sendable, Equatable {
    public var outcomes: [String: StockLedger.Outcome]   // by event id
    public var uploaded: [String]                        // object keys published
    public var requests: Int
    public var duration: TimeInterval

    public init(outcomes: [String: StockLedger.Outcome], uploaded: [String], requests: Int, duration: TimeInterval) {
        self.outcomes = outcomes
        self.uploaded = uploaded
        self.requests = requests
        self.duration = duration
    }
}
