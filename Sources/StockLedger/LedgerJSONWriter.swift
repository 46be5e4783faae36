import Foundation
import SiteManifest

/// The ledger's JSON written by hand, byte for byte what JSONEncoder with sorted keys writes, at
/// a fraction of its cost: a ledger is encoded on every stock change, inside the second a change
/// has to reach the edge. Keys are written in sorted order by construction (slugs are ASCII, so
/// byte order is their order).
struct LedgerJSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// A JSON string: `"` and `\` escaped, control characters as JSONEncoder writes them, `/` as is.
    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(contentsOf: [byte].hex.utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func event(_ event: StockEvent) {
        raw("{\"at\":")
        string(StockTime.format(event.at))
        raw(",\"drop\":")
        string(event.drop)
        raw(",\"id\":")
        string(event.id)
        switch event.change {
        case .remaining(let units):
            raw(",\"remaining\":")
            int(units)
        case .sold(let units):
            raw(",\"sold\":")
            int(units)
        }
        raw(",\"source\":")
        string(event.source)
        raw("}")
    }

    /// `{"entries":{…},"format":1,"ids":[…],"recent":[…],"sequence":N}` and a line feed.
    static func encode(_ ledger: StockLedger) -> Data {
        var writer = LedgerJSONWriter(capacity: 64 + ledger.entries.count * 80 + ledger.appliedIDs.count * 24 + ledger.recent.count * 140)
        writer.raw("{\"entries\":{")
        for (index, slug) in ledger.entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            let entry = ledger.entries[slug]!
            if index > 0 { writer.raw(",") }
            writer.string(slug)
            writer.raw(":{\"oversold\":")
            writer.int(entry.oversold)
            writer.raw(",\"remaining\":")
            writer.int(entry.remaining)
            writer.raw(",\"updated_at\":")
            writer.string(StockTime.format(entry.updatedAt))
            writer.raw("}")
        }
        writer.raw("},\"format\":")
        writer.int(StockLedger.format)
        writer.raw(",\"ids\":[")
        for (index, id) in ledger.appliedIDs.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(id)
        }
        writer.raw("],\"recent\":[")
        for (index, record) in ledger.recent.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"event\":")
            writer.event(record.event)
            writer.raw(",\"remaining\":")
            writer.int(record.remaining)
            writer.raw(",\"short\":")
            writer.int(record.short)
            writer.raw("}")
        }
        writer.raw("],\"sequence\":")
        writer.int(ledger.sequence)
        writer.raw("}\n")
        return Data(writer.bytes)
    }
}
