import Foundation
import SiteSource
import StockLedger
import Testing

/// `.dropgen/stock.json`: the exact bytes, round trips, and every way a ledger read back from a
/// target is refused, with the exact message.
@Suite struct StockLedgerJSONTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    static var sample: StockLedger {
        var ledger = StockLedger.empty
        _ = ledger.apply([
            StockEvent(id: "evt_1", drop: "mug", change: .remaining(3), at: t0, source: "set"),
            StockEvent(id: "evt_2", drop: "blue-cup", change: .sold(2), at: t0.addingTimeInterval(1.25), source: "stripe"),
            StockEvent(id: "evt_3", drop: "mug", change: .sold(5), at: t0.addingTimeInterval(2), source: "dropgen"),
        ], opening: { _ in 10 })
        return ledger
    }

    @Test func exactBytes() {
        let expected = #"{"entries":{"blue-cup":{"oversold":0,"remaining":8,"updated_at":"2026-11-30T00:53:21.250Z"},"mug":{"oversold":2,"remaining":0,"updated_at":"2026-11-30T00:53:22Z"}},"format":1,"ids":["evt_1","evt_2","evt_3"],"recent":[{"event":{"at":"2026-11-30T00:53:20Z","drop":"mug","id":"evt_1","remaining":3,"source":"set"},"remaining":3,"short":0},{"event":{"at":"2026-11-30T00:53:21.250Z","drop":"blue-cup","id":"evt_2","sold":2,"source":"stripe"},"remaining":8,"short":0},{"event":{"at":"2026-11-30T00:53:22Z","drop":"mug","id":"evt_3","sold":5,"source":"dropgen"},"remaining":0,"short":2}],"sequence":1}"# + "\n"
        #expect(String(decoding: Self.sample.encoded(), as: UTF8.self) == expected)
        #expect(String(decoding: StockLedger.empty.encoded(), as: UTF8.self)
                    == #"{"entries":{},"format":1,"ids":[],"recent":[],"sequence":0}"# + "\n")
    }

    @Test func roundTripIsExactAndDeterministic() throws {
        let ledger = Self.sample
        let decoded = try StockLedger.decode(ledger.encoded())
        #expect(decoded == ledger)
        #expect(decoded.encoded() == ledger.encoded())
        #expect(decoded.digest == ledger.digest)
        #expect(ledger.digest.count == 64)
        // Dedupe and the next version survive the round trip.
        var again = decoded
        #expect(again.apply(StockEvent(id: "evt_2", drop: "blue-cup", change: .sold(1), at: Self.t0, source: "stripe"), opening: 10) == .duplicate)
    }

    /// Ids hold any character but control characters: the hand-written JSON escapes them as
    /// JSONEncoder does, and they read back equal.
    @Test(arguments: [#"quote " inside"#, #"back\slash"#, "a/b", "ünïcödé ✓", "emoji 🧁", "spaces  and \u{2028}"])
    func idsWithAnyTextRoundTrip(_ id: String) throws {
        var ledger = StockLedger.empty
        let event = StockEvent(id: id, drop: "mug", change: .sold(1), at: Self.t0, source: "shopify")
        #expect(ledger.apply(event, opening: 3) == .applied(remaining: 2))
        let decoded = try StockLedger.decode(ledger.encoded())
        #expect(decoded == ledger)
        #expect(decoded.appliedIDs == [id])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let foundation = String(decoding: try encoder.encode(event), as: UTF8.self)
        #expect(String(decoding: ledger.encoded(), as: UTF8.self).contains(#""recent":[{"event":"# + foundation + ","))
    }

    @Test func manyEntriesEncodeInSlugOrderWhateverTheInsertionOrder() throws {
        var forward = StockLedger.empty, backward = StockLedger.empty
        let slugs = (0..<200).map { "drop-\($0)" }
        for slug in slugs { _ = forward.apply(StockEvent(id: slug, drop: slug, change: .remaining(1), at: Self.t0, source: "set"), opening: nil) }
        for slug in slugs.reversed() { _ = backward.apply(StockEvent(id: slug, drop: slug, change: .remaining(1), at: Self.t0, source: "set"), opening: nil) }
        let text = String(decoding: forward.encoded(), as: UTF8.self)
        #expect(text.range(of: "\"drop-10\":")!.lowerBound < text.range(of: "\"drop-2\":")!.lowerBound)
        #expect(try StockLedger.decode(forward.encoded()).entries == backward.entries)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        var name: String
        var json: String
        var error: String
        var testDescription: String { name }
    }

    static let valid = #"{"entries":{"mug":{"oversold":0,"remaining":3,"updated_at":"2026-11-30T00:53:20Z"}},"format":1,"ids":["a"],"recent":[],"sequence":1}"#

    static func replacing(_ old: String, _ new: String) -> String {
        precondition(valid.contains(old))
        return valid.replacingOccurrences(of: old, with: new)
    }

    static let invalid: [Invalid] = [
        Invalid(name: "not JSON", json: "{", error: ".dropgen/stock.json: is not valid JSON"),
        Invalid(name: "not an object", json: "[]", error: ".dropgen/stock.json: expected an object"),
        Invalid(name: "unknown key", json: replacing(#""format":1"#, #""format":1,"extra":true"#),
                error: ".dropgen/stock.json: extra: unknown key (known: entries, format, ids, recent, sequence)"),
        Invalid(name: "newer format", json: replacing(#""format":1"#, #""format":2"#),
                error: ".dropgen/stock.json: format: is 2; this dropgen reads format 1 (written by a newer dropgen?)"),
        Invalid(name: "missing sequence", json: replacing(#","sequence":1"#, ""),
                error: ".dropgen/stock.json: sequence: is missing"),
        Invalid(name: "negative sequence", json: replacing(#""sequence":1"#, #""sequence":-1"#),
                error: ".dropgen/stock.json: sequence: must be 0...9999999999, not -1"),
        Invalid(name: "sequence too large", json: replacing(#""sequence":1"#, #""sequence":10000000000"#),
                error: ".dropgen/stock.json: sequence: must be 0...9999999999, not 10000000000"),
        Invalid(name: "sequence a string", json: replacing(#""sequence":1"#, #""sequence":"1""#),
                error: ".dropgen/stock.json: sequence: expected an integer"),
        Invalid(name: "remaining negative", json: replacing(#""remaining":3"#, #""remaining":-3"#),
                error: ".dropgen/stock.json: entries.mug.remaining: must be 0...1000000, not -3"),
        Invalid(name: "remaining too large", json: replacing(#""remaining":3"#, #""remaining":1000001"#),
                error: ".dropgen/stock.json: entries.mug.remaining: must be 0...1000000, not 1000001"),
        Invalid(name: "remaining null", json: replacing(#""remaining":3"#, #""remaining":null"#),
                error: ".dropgen/stock.json: entries.mug.remaining: expected an integer, got null"),
        Invalid(name: "oversold negative", json: replacing(#""oversold":0"#, #""oversold":-1"#),
                error: ".dropgen/stock.json: entries.mug.oversold: must be 0...1000000000, not -1"),
        Invalid(name: "bad time", json: replacing("2026-11-30T00:53:20Z", "yesterday"),
                error: ".dropgen/stock.json: entries.mug.updated_at: expected an RFC 3339 time such as 2026-12-04T17:00:00Z, got \"yesterday\""),
        Invalid(name: "bad slug", json: replacing(#""mug":"#, #""Mug Cup":"#),
                error: ".dropgen/stock.json: entries[\"Mug Cup\"]: expected lowercase letters, digits and single dashes, got \"Mug Cup\""),
        Invalid(name: "slug too long", json: replacing(#""mug":"#, "\"" + String(repeating: "a", count: 201) + "\":"),
                error: ".dropgen/stock.json: entries.\(String(repeating: "a", count: 201)): must be at most 200 characters, not 201"),
        Invalid(name: "entry with an unknown key", json: replacing(#""oversold":0"#, #""oversold":0,"price":1"#),
                error: ".dropgen/stock.json: entries.mug.price: unknown key (known: oversold, remaining, updated_at)"),
        Invalid(name: "id with a line feed", json: replacing(#"["a"]"#, #"["a","b\nc"]"#),
                error: ".dropgen/stock.json: ids[1]: contains U+000A (a line feed); event ids are one line of text"),
        Invalid(name: "empty id", json: replacing(#"["a"]"#, #"[""]"#), error: ".dropgen/stock.json: ids[0]: must not be empty"),
        Invalid(name: "id too long", json: replacing(#"["a"]"#, "[\"" + String(repeating: "x", count: 201) + "\"]"),
                error: ".dropgen/stock.json: ids[0]: must be at most 200 characters, not 201"),
        Invalid(name: "repeated id", json: replacing(#"["a"]"#, #"["a","b","a"]"#), error: ".dropgen/stock.json: ids[2]: repeats an earlier id"),
        Invalid(name: "id a number", json: replacing(#"["a"]"#, #"[1]"#), error: ".dropgen/stock.json: ids[0]: expected a string"),
        Invalid(name: "too many ids", json: replacing(#"["a"]"#, "[" + (0...StockLedger.rememberedIDs).map { "\"i\($0)\"" }.joined(separator: ",") + "]"),
                error: ".dropgen/stock.json: ids: has 20001 ids; a stock ledger remembers at most 20000"),
        Invalid(name: "recent event with both changes",
                json: replacing(#""recent":[]"#, #""recent":[{"event":{"at":"2026-11-30T00:53:20Z","drop":"mug","id":"a","remaining":3,"sold":1,"source":"set"},"remaining":3,"short":0}]"#),
                error: ".dropgen/stock.json: recent[0].event: has both `sold` and `remaining`; an event is one of them"),
        Invalid(name: "recent event sold out of range",
                json: replacing(#""recent":[]"#, #""recent":[{"event":{"at":"2026-11-30T00:53:20Z","drop":"mug","id":"a","sold":0,"source":"set"},"remaining":3,"short":0}]"#),
                error: ".dropgen/stock.json: recent[0].event.sold: must be 1...10000, not 0"),
        Invalid(name: "recent event with a bad source",
                json: replacing(#""recent":[]"#, #""recent":[{"event":{"at":"2026-11-30T00:53:20Z","drop":"mug","id":"a","sold":1,"source":"Web Hook"},"remaining":3,"short":0}]"#),
                error: ".dropgen/stock.json: recent[0].event.source: expected 1...40 lowercase letters, digits and dashes, got \"Web Hook\""),
        Invalid(name: "recent short negative",
                json: replacing(#""recent":[]"#, #""recent":[{"event":{"at":"2026-11-30T00:53:20Z","drop":"mug","id":"a","sold":1,"source":"set"},"remaining":3,"short":-1}]"#),
                error: ".dropgen/stock.json: recent[0].short: must be 0...10000, not -1"),
        Invalid(name: "a control character in a key is shown escaped", json: replacing(#""mug":"#, "\"m\\u001bg\":"),
                error: ".dropgen/stock.json: entries[\"m\\u{1B}g\"]: expected lowercase letters, digits and single dashes, got \"m\\u{1B}g\""),
    ]

    @Test(arguments: invalid)
    func refused(_ row: Invalid) {
        do {
            _ = try StockLedger.decode(Data(row.json.utf8))
            Issue.record("decoded")
        } catch {
            #expect(String(describing: error).hasPrefix(row.error), "\(error)")
            #expect(String(describing: error) == row.error || row.name == "not JSON", "\(error)")
        }
    }

    @Test func theValidSampleOfTheTableDecodes() throws {
        let ledger = try StockLedger.decode(Data(Self.valid.utf8))
        #expect(ledger.entry(for: "mug")?.remaining == 3)
        #expect(ledger.sequence == 1)
        #expect(ledger.hasApplied("a"))
    }

    @Test func tooManyBytesIsRefusedBeforeParsing() {
        let data = Data(repeating: UInt8(ascii: " "), count: StockLedger.maxBytes + 1)
        #expect(throws: Diagnostic(file: ".dropgen/stock.json", message: "is 8388609 bytes; a stock ledger holds at most 8388608")) {
            try StockLedger.decode(data)
        }
    }

    @Test func tooManyEntries() {
        let entries = (0...StockLedger.maxEntries).map { #""d\#($0)":{"oversold":0,"remaining":1,"updated_at":"2026-11-30T00:53:20Z"}"# }
        let json = #"{"entries":{"# + entries.joined(separator: ",") + #"},"format":1,"ids":[],"recent":[],"sequence":1}"#
        #expect(throws: Diagnostic(file: ".dropgen/stock.json", key: "entries", message: "has 100001 drops; a stock ledger holds at most 100000")) {
            try StockLedger.decode(Data(json.utf8))
        }
    }
}
