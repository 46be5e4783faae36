import Crypto
import Foundation
import SiteManifest
import SiteSource

extension StockLedger {
    /// The one format of `.dropgen/stock.json`.
    public static let format = 1

    /// Deterministic: keys sorted, entries by slug, lists in order; ends with "\n".
    public func encoded() -> Data { LedgerJSONWriter.encode(self) }

    /// sha256 hex of `encoded()`: for the build's input stamps.
    public var digest: String { SHA256.hash(data: encoded()).hex }

    /// Reads ledger bytes from a target: untrusted, so validated and bounded (`maxBytes`,
    /// `maxEntries`, `rememberedIDs`, `recentLimit`, every value in range). Throws a `Diagnostic`
    /// naming `file` and the key path.
    public static func decode(_ data: Data, file: String = StockLedger.key) throws -> StockLedger {
        guard data.count <= maxBytes else {
            throw Diagnostic(file: file, message: "is \(data.count) bytes; a stock ledger holds at most \(maxBytes)")
        }
        do {
            return try JSONDecoder().decode(LedgerJSON.self, from: data).ledger
        } catch {
            throw diagnostic(for: error, file: file)
        }
    }

    /// The `Diagnostic` of a decoding error: the key path and what was wrong there.
    static func diagnostic(for error: any Error, file: String, line: Int? = nil) -> Diagnostic {
        func located(_ path: [any CodingKey], _ message: String) -> Diagnostic {
            let key = InvalidLedger.path(path)
            return Diagnostic(file: file, line: line, key: key.isEmpty ? nil : key, message: message)
        }
        switch error {
        case let invalid as InvalidLedger:
            return located(invalid.codingPath, invalid.message)
        case DecodingError.keyNotFound(let key, let context):
            return located(context.codingPath + [key], "is missing")
        case DecodingError.typeMismatch(let type, let context):
            return located(context.codingPath, "expected \(describe(type))")
        case DecodingError.valueNotFound(let type, let context):
            return located(context.codingPath, "expected \(describe(type)), got null")
        case DecodingError.dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let cause = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return located([], "is not valid JSON" + (cause.map { ": " + LineSafe.terminalEscaped(String($0.prefix(200))) } ?? ""))
            }
            return located(context.codingPath, LineSafe.terminalEscaped(String(context.debugDescription.prefix(200))))
        default:
            return located([], LineSafe.terminalEscaped(String(describing: error)))
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is [Any].Type: "a list"
        default: type == [String: Any].self ? "an object" : String(describing: type)
        }
    }
}

/// `.dropgen/stock.json` read back: the ledger's fields under their keys, each checked on the way in
/// (`LedgerJSONWriter` writes it).
private struct LedgerJSON: Decodable {
    var ledger: StockLedger

    enum Keys: String, CodingKey, CaseIterable {
        case format, sequence, entries, ids, recent
    }

    init(from decoder: any Decoder) throws {
        try LedgerKeys.refuseUnknown(in: decoder, known: Keys.allCases.map(\.stringValue))
        let container = try decoder.container(keyedBy: Keys.self)
        let format = try container.decode(Int.self, forKey: .format)
        guard format == StockLedger.format else {
            throw InvalidLedger(at: [Keys.format], "is \(format); this dropgen reads format \(StockLedger.format) (written by a newer dropgen?)")
        }
        var ledger = StockLedger()
        ledger.sequence = try container.decode(Int.self, forKey: .sequence)
        guard (0...StockLedger.maxSequence).contains(ledger.sequence) else {
            throw InvalidLedger(at: [Keys.sequence], "must be 0...\(StockLedger.maxSequence), not \(ledger.sequence)")
        }

        let entries = try container.nestedContainer(keyedBy: LedgerKeys.self, forKey: .entries)
        guard entries.allKeys.count <= StockLedger.maxEntries else {
            throw InvalidLedger(at: [Keys.entries], "has \(entries.allKeys.count) drops; a stock ledger holds at most \(StockLedger.maxEntries)")
        }
        for key in entries.allKeys {
            if let problem = StockEvent.slugProblem(key.stringValue) { throw InvalidLedger(at: [Keys.entries, key], problem) }
            ledger.entries[key.stringValue] = try entries.decode(EntryJSON.self, forKey: key).entry
        }

        var ids = try container.nestedUnkeyedContainer(forKey: .ids)
        if let count = ids.count, count > StockLedger.rememberedIDs {
            throw InvalidLedger(at: [Keys.ids], "has \(count) ids; a stock ledger remembers at most \(StockLedger.rememberedIDs)")
        }
        while !ids.isAtEnd {
            let position = LedgerKeys(intValue: ids.currentIndex)!
            let id = try ids.decode(String.self)
            if let problem = StockEvent.idProblem(id) { throw InvalidLedger(at: [Keys.ids, position], problem) }
            guard ledger.idSet.insert(id).inserted else { throw InvalidLedger(at: [Keys.ids, position], "repeats an earlier id") }
            ledger.appliedIDs.append(id)
        }

        var recent = try container.nestedUnkeyedContainer(forKey: .recent)
        if let count = recent.count, count > StockLedger.recentLimit {
            throw InvalidLedger(at: [Keys.recent], "has \(count) events; a stock ledger keeps at most \(StockLedger.recentLimit)")
        }
        while !recent.isAtEnd { ledger.recent.append(try recent.decode(RecordJSON.self).record) }
        self.ledger = ledger
    }
}

private struct EntryJSON: Decodable {
    var entry: StockLedger.Entry

    enum Keys: String, CodingKey, CaseIterable {
        case remaining, oversold
        case updatedAt = "updated_at"
    }

    init(from decoder: any Decoder) throws {
        try LedgerKeys.refuseUnknown(in: decoder, known: Keys.allCases.map(\.stringValue))
        let container = try decoder.container(keyedBy: Keys.self)
        let remaining = try container.decode(Int.self, forKey: .remaining)
        let range = StockEvent.remainingRange
        guard range.contains(remaining) else {
            throw InvalidLedger(at: container.codingPath + [Keys.remaining], "must be \(range.lowerBound)...\(range.upperBound), not \(remaining)")
        }
        let oversold = try container.decode(Int.self, forKey: .oversold)
        guard (0...StockLedger.maxOversold).contains(oversold) else {
            throw InvalidLedger(at: container.codingPath + [Keys.oversold], "must be 0...\(StockLedger.maxOversold), not \(oversold)")
        }
        let text = try container.decode(String.self, forKey: .updatedAt)
        guard let updatedAt = StockTime.parse(text) else {
            throw InvalidLedger(at: container.codingPath + [Keys.updatedAt], "expected an RFC 3339 time such as 2026-12-04T17:00:00Z, got \"\(LineSafe.terminalEscaped(String(text.prefix(40))))\"")
        }
        entry = StockLedger.Entry(remaining: remaining, updatedAt: updatedAt, oversold: oversold)
    }
}

private struct RecordJSON: Decodable {
    var record: StockLedger.Record

    enum Keys: String, CodingKey, CaseIterable {
        case event, remaining, short
    }

    init(from decoder: any Decoder) throws {
        try LedgerKeys.refuseUnknown(in: decoder, known: Keys.allCases.map(\.stringValue))
        let container = try decoder.container(keyedBy: Keys.self)
        let event = try container.decode(StockEvent.self, forKey: .event)
        let remaining = try container.decode(Int.self, forKey: .remaining)
        let range = StockEvent.remainingRange
        guard range.contains(remaining) else {
            throw InvalidLedger(at: container.codingPath + [Keys.remaining], "must be \(range.lowerBound)...\(range.upperBound), not \(remaining)")
        }
        let short = try container.decode(Int.self, forKey: .short)
        guard (0...StockEvent.soldRange.upperBound).contains(short) else {
            throw InvalidLedger(at: container.codingPath + [Keys.short], "must be 0...\(StockEvent.soldRange.upperBound), not \(short)")
        }
        record = StockLedger.Record(event: event, remaining: remaining, short: short)
    }
}
