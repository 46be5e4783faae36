import Foundation
import StockLedger
import Testing

/// The ledger's semantics, one row per situation: the events applied in order (each with the
/// drop's opening stock), the outcomes, and what the drop's entry ends as.
@Suite struct StockLedgerSemanticsTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    static func event(_ id: String, _ change: StockEvent.Change, drop: String = "mug", second: Int = 0) -> StockEvent {
        StockEvent(id: id, drop: drop, change: change, at: t0.addingTimeInterval(Double(second)), source: "dropgen")
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var opening: Int?
        var events: [StockEvent]
        var outcomes: [StockLedger.Outcome]
        var remaining: Int?
        var oversold: Int = 0
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "set", opening: 24, events: [event("a", .remaining(7))], outcomes: [.applied(remaining: 7)], remaining: 7),
        Row(name: "sold from the opening stock", opening: 24, events: [event("a", .sold(2))],
            outcomes: [.applied(remaining: 22)], remaining: 22),
        Row(name: "sold after set: the entry overrides the opening stock", opening: 24,
            events: [event("a", .remaining(3)), event("b", .sold(1))],
            outcomes: [.applied(remaining: 3), .applied(remaining: 2)], remaining: 2),
        Row(name: "duplicate id changes nothing", opening: 24,
            events: [event("a", .sold(2)), event("a", .sold(2)), event("a", .remaining(100))],
            outcomes: [.applied(remaining: 22), .duplicate, .duplicate], remaining: 22),
        Row(name: "sold to exactly 0", opening: 2, events: [event("a", .sold(2))], outcomes: [.applied(remaining: 0)], remaining: 0),
        Row(name: "oversell records the short units", opening: 3,
            events: [event("a", .sold(5)), event("b", .sold(1))],
            outcomes: [.oversold(remaining: 0, short: 2), .oversold(remaining: 0, short: 1)], remaining: 0, oversold: 3),
        Row(name: "reset after oversell keeps the oversold record", opening: 1,
            events: [event("a", .sold(4)), event("b", .remaining(10)), event("c", .sold(1))],
            outcomes: [.oversold(remaining: 0, short: 3), .applied(remaining: 10), .applied(remaining: 9)],
            remaining: 9, oversold: 3),
        Row(name: "set to 0", opening: 5, events: [event("a", .remaining(0))], outcomes: [.applied(remaining: 0)], remaining: 0),
        Row(name: "negative opening stock counts as 0", opening: -4, events: [event("a", .sold(1))],
            outcomes: [.oversold(remaining: 0, short: 1)], remaining: 0, oversold: 1),
        Row(name: "sold with no opening stock", opening: nil, events: [event("a", .sold(1))],
            outcomes: [.rejected("drop \"mug\" has no stock to sell from (set remaining or edition)")], remaining: nil),
        Row(name: "set with no opening stock", opening: nil, events: [event("a", .remaining(4)), event("b", .sold(1))],
            outcomes: [.applied(remaining: 4), .applied(remaining: 3)], remaining: 3),
        Row(name: "a rejected event's id is not remembered", opening: nil,
            events: [event("a", .sold(1)), event("b", .remaining(2)), event("a", .sold(1))],
            outcomes: [.rejected("drop \"mug\" has no stock to sell from (set remaining or edition)"),
                       .applied(remaining: 2), .applied(remaining: 1)], remaining: 1),
        Row(name: "sold out of range", opening: 5, events: [event("a", .sold(0)), event("b", .sold(10_001))],
            outcomes: [.rejected("event \"a\": sold: must be 1...10000, not 0"),
                       .rejected("event \"b\": sold: must be 1...10000, not 10001")], remaining: nil),
        Row(name: "remaining out of range", opening: 5, events: [event("a", .remaining(-1)), event("b", .remaining(1_000_001))],
            outcomes: [.rejected("event \"a\": remaining: must be 0...1000000, not -1"),
                       .rejected("event \"b\": remaining: must be 0...1000000, not 1000001")], remaining: nil),
        Row(name: "bad slug", opening: 5, events: [event("a", .sold(1), drop: "Mug")],
            outcomes: [.rejected("event \"a\": drop: expected lowercase letters, digits and single dashes, got \"Mug\"")], remaining: nil),
        Row(name: "bad id", opening: 5, events: [event("a\nb", .sold(1))],
            outcomes: [.rejected("event \"a\nb\": id: contains U+000A (a line feed); event ids are one line of text")], remaining: nil),
    ]

    @Test(arguments: rows)
    func semantics(_ row: Row) {
        var ledger = StockLedger.empty
        let outcomes = row.events.map { ledger.apply($0, opening: row.opening) }
        #expect(outcomes == row.outcomes)
        #expect(ledger.entry(for: "mug")?.remaining == row.remaining)
        #expect((ledger.entry(for: "mug")?.oversold ?? 0) == row.oversold)
        // `apply(_:opening:)` of one event never moves the version.
        #expect(ledger.sequence == 0)
    }

    @Test func entryTimeIsTheLastEventsTime() {
        var ledger = StockLedger.empty
        _ = ledger.apply(Self.event("a", .remaining(5), second: 10), opening: nil)
        _ = ledger.apply(Self.event("b", .sold(1), second: 20), opening: nil)
        #expect(ledger.entry(for: "mug") == StockLedger.Entry(remaining: 4, updatedAt: Self.t0.addingTimeInterval(20), oversold: 0))
    }

    struct BatchRow: Sendable, CustomTestStringConvertible {
        var name: String
        var batches: [[StockEvent]]
        var sequence: Int
        var testDescription: String { name }
    }

    static let batchRows: [BatchRow] = [
        BatchRow(name: "one batch that changes: +1", batches: [[event("a", .sold(1)), event("b", .sold(1))]], sequence: 1),
        BatchRow(name: "two batches: +2", batches: [[event("a", .sold(1))], [event("b", .sold(1))]], sequence: 2),
        BatchRow(name: "a batch of duplicates only: +0", batches: [[event("a", .sold(1))], [event("a", .sold(1))]], sequence: 1),
        BatchRow(name: "a batch of rejections only: +0", batches: [[event("a", .sold(1), drop: "cup")]], sequence: 0),
        BatchRow(name: "an empty batch: +0", batches: [[]], sequence: 0),
    ]

    @Test(arguments: batchRows)
    func batchSequence(_ row: BatchRow) {
        var ledger = StockLedger.empty
        for batch in row.batches { _ = ledger.apply(batch, opening: { $0 == "mug" ? 10 : nil }) }
        #expect(ledger.sequence == row.sequence)
    }

    @Test func batchUsesEachDropsOpeningStock() {
        var ledger = StockLedger.empty
        let opening = ["mug": 5, "cup": 1]
        let outcomes = ledger.apply([Self.event("a", .sold(1), drop: "mug"), Self.event("b", .sold(1), drop: "cup"),
                                     Self.event("c", .sold(1), drop: "mug")],
                                    opening: { opening[$0] })
        #expect(outcomes == [.applied(remaining: 4), .applied(remaining: 0), .applied(remaining: 3)])
    }

    /// The dedupe bound: the last `rememberedIDs` ids, oldest dropped first; so is `recent`.
    @Test func dedupeRemembersTheLastIDsOnly() {
        var ledger = StockLedger.empty
        let count = StockLedger.rememberedIDs + 5
        for index in 0..<count { _ = ledger.apply(Self.event("e\(index)", .remaining(index % 100)), opening: nil) }
        #expect(ledger.appliedIDs.count == StockLedger.rememberedIDs)
        #expect(ledger.appliedIDs.first == "e5")
        #expect(ledger.appliedIDs.last == "e\(count - 1)")
        #expect(!ledger.hasApplied("e4") && ledger.hasApplied("e5"))
        // Forgotten: applies again. Remembered: a duplicate.
        #expect(ledger.apply(Self.event("e0", .remaining(1)), opening: nil) == .applied(remaining: 1))
        #expect(ledger.apply(Self.event("e6", .remaining(2)), opening: nil) == .duplicate)
        #expect(ledger.recent.count == StockLedger.recentLimit)
        #expect(ledger.recent.last?.event.id == "e0")
        #expect(ledger.recent.first?.event.id == "e\(count + 1 - StockLedger.recentLimit)")
    }

    @Test func recentRecordsWhatEachEventLeft() {
        var ledger = StockLedger.empty
        _ = ledger.apply([Self.event("a", .sold(2)), Self.event("b", .sold(5)), Self.event("b", .sold(5))], opening: { _ in 3 })
        #expect(ledger.recent == [
            StockLedger.Record(event: Self.event("a", .sold(2)), remaining: 1, short: 0),
            StockLedger.Record(event: Self.event("b", .sold(5)), remaining: 0, short: 4),
        ])
    }
}
