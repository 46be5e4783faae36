import Foundation

/// Every drop's stock since its first stock event: kept at the publish target beside the deploy
/// records (`.dropgen/stock.json`), never in git, so a build from git cannot resurrect sold units.
/// A pure value: `apply` is the semantics, `encoded`/`decode` its one file format.
public struct StockLedger: Sendable, Equatable {
    public static let empty = StockLedger()
    /// Where the ledger lives at the publish target.
    public static let key = ".dropgen/stock.json"

    /// Event ids remembered for dedupe: the last 20,000 applied, oldest dropped first. At 200
    /// characters an id, that many fit the 8 MB a ledger may hold when read back.
    public static let rememberedIDs = 20_000
    /// Applied events kept in `recent`, oldest dropped first.
    public static let recentLimit = 1_000
    /// Bounds on bytes read back from a target.
    public static let maxBytes = 8 * 1024 * 1024
    public static let maxEntries = 100_000
    /// `sequence` is written into a key with 10 digits.
    public static let maxSequence = 9_999_999_999
    public static let maxOversold = 1_000_000_000

    /// By slug.
    public internal(set) var entries: [String: Entry] = [:]
    /// +1 per apply batch that changed something: the version `LedgerStore` creates, so two
    /// writers of one version cannot both win.
    public internal(set) var sequence = 0
    /// The ids of applied events, oldest first, at most `rememberedIDs`.
    public internal(set) var appliedIDs: [String] = []
    /// The last `recentLimit` applied events, oldest first.
    public internal(set) var recent: [Record] = []
    /// `appliedIDs` as a set, for lookups.
    var idSet: Set<String> = []

    init() {}

    public func entry(for slug: String) -> Entry? { entries[slug] }

    /// Whether the event `id` was applied (and is still remembered).
    public func hasApplied(_ id: String) -> Bool { idSet.contains(id) }

    /// Applies one event. `opening`: the drop's front-matter `remaining` (else its `edition`),
    /// used when the ledger has no entry for it yet. Does not touch `sequence`.
    public mutating func apply(_ event: StockEvent, opening: Int?) -> Outcome {
        if let problem = event.problem { return .rejected("event \"\(event.id)\": \(problem)") }
        if idSet.contains(event.id) { return .duplicate }
        let previous = entries[event.drop]
        var entry = Entry(remaining: 0, updatedAt: event.at, oversold: previous?.oversold ?? 0)
        var short = 0
        switch event.change {
        case .remaining(let units):
            entry.remaining = units
        case .sold(let units):
            guard let stock = previous?.remaining ?? opening.map({ max(0, $0) }) else {
                return .rejected("drop \"\(event.drop)\" has no stock to sell from (set remaining or edition)")
            }
            if units <= stock {
                entry.remaining = stock - units
            } else {
                short = units - stock
                entry.oversold = min(Self.maxOversold, entry.oversold + short)
            }
        }
        entries[event.drop] = entry
        remember(Record(event: event, remaining: entry.remaining, short: short))
        return short > 0 ? .oversold(remaining: 0, short: short) : .applied(remaining: entry.remaining)
    }

    /// Applies a batch in order; bumps `sequence` once if anything changed.
    public mutating func apply(_ events: [StockEvent], opening: (String) -> Int?) -> [Outcome] {
        var changed = false
        let outcomes = events.map { event -> Outcome in
            let outcome = apply(event, opening: opening(event.drop))
            switch outcome {
            case .applied, .oversold: changed = true
            case .duplicate, .rejected: break
            }
            return outcome
        }
        if changed { sequence = min(Self.maxSequence, sequence + 1) }
        return outcomes
    }

    private mutating func remember(_ record: Record) {
        appliedIDs.append(record.event.id)
        idSet.insert(record.event.id)
        if appliedIDs.count > Self.rememberedIDs {
            let dropped = appliedIDs.count - Self.rememberedIDs
            for id in appliedIDs.prefix(dropped) { idSet.remove(id) }
            appliedIDs.removeFirst(dropped)
        }
        recent.append(record)
        if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
    }
}
