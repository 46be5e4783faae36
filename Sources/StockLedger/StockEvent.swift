import Foundation
import SiteManifest

/// One change of a drop's stock, as dropgen received it: from a webhook, `dropgen stock set` or a
/// `dropgen stock apply` file. Its `id` makes a redelivery harmless: the ledger applies an id once.
public struct StockEvent: Sendable, Equatable, Hashable, Codable {
    public enum Change: Sendable, Equatable, Hashable {
        /// Units sold, 1...10_000: subtracted from the remaining stock.
        case sold(Int)
        /// The absolute stock, 0...1_000_000: a reset, what `dropgen stock set` writes.
        case remaining(Int)
    }

    /// 1...200 characters without control characters, tabs or line breaks; unique per source.
    public var id: String
    /// The drop's slug.
    public var drop: String
    public var change: Change
    /// When dropgen received it, at whole milliseconds (so it reads back equal).
    public var at: Date
    /// Who sent it: "dropgen", "stripe", "shopify", "set", "apply".
    public var source: String

    public init(id: String, drop: String, change: Change, at: Date, source: String) {
        self.id = id
        self.drop = drop
        self.change = change
        self.at = StockTime.milliseconds(at)
        self.source = source
    }

    public static let maxIDLength = 200
    public static let maxSlugLength = 200
    public static let soldRange = 1...10_000
    public static let remainingRange = 0...1_000_000

    /// Why this event cannot be applied, or nil: what the ledger refuses and what a reader of
    /// untrusted bytes (the journal, the ledger, a webhook) checks.
    public var problem: String? {
        if let problem = Self.idProblem(id) { return "id: " + problem }
        if let problem = Self.slugProblem(drop) { return "drop: " + problem }
        switch change {
        case .sold(let units) where !Self.soldRange.contains(units):
            return "sold: must be \(Self.soldRange.lowerBound)...\(Self.soldRange.upperBound), not \(units)"
        case .remaining(let units) where !Self.remainingRange.contains(units):
            return "remaining: must be \(Self.remainingRange.lowerBound)...\(Self.remainingRange.upperBound), not \(units)"
        default: break
        }
        if let problem = Self.sourceProblem(source) { return "source: " + problem }
        return nil
    }

    /// Why `id` cannot be an event id, or nil.
    public static func idProblem(_ id: String) -> String? {
        if id.isEmpty { return "must not be empty" }
        if id.count > maxIDLength { return "must be at most \(maxIDLength) characters, not \(id.count)" }
        if let bad = id.unicodeScalars.first(where: { LineSafe.isControl($0) || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            return "contains \(LineSafe.describe(bad)); event ids are one line of text"
        }
        return nil
    }

    /// Why `slug` cannot be a drop's slug, or nil: lowercase letters, digits and single dashes,
    /// as a drop's `slug:` is.
    public static func slugProblem(_ slug: String) -> String? {
        if slug.isEmpty { return "must not be empty" }
        if slug.utf8.count > maxSlugLength { return "must be at most \(maxSlugLength) characters, not \(slug.utf8.count)" }
        var previousDash = true
        var valid = true
        for byte in slug.utf8 {
            let dash = byte == UInt8(ascii: "-")
            let letter = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            if !(letter || (dash && !previousDash)) { valid = false; break }
            previousDash = dash
        }
        guard valid && !previousDash else {
            return "expected lowercase letters, digits and single dashes, got \"\(LineSafe.terminalEscaped(slug))\""
        }
        return nil
    }

    static func sourceProblem(_ source: String) -> String? {
        let ok = !source.isEmpty && source.utf8.count <= 40 && source.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
        }
        return ok ? nil : "expected 1...40 lowercase letters, digits and dashes, got \"\(LineSafe.terminalEscaped(source))\""
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, drop, sold, remaining, at, source
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(drop, forKey: .drop)
        switch change {
        case .sold(let units): try container.encode(units, forKey: .sold)
        case .remaining(let units): try container.encode(units, forKey: .remaining)
        }
        try container.encode(StockTime.format(at), forKey: .at)
        try container.encode(source, forKey: .source)
    }

    /// Validated: every key known, exactly one of `sold` and `remaining`, values in range.
    public init(from decoder: any Decoder) throws {
        try LedgerKeys.refuseUnknown(in: decoder, known: CodingKeys.allCases.map(\.stringValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try container.decode(String.self, forKey: .id)
        if let problem = Self.idProblem(id) { throw InvalidLedger(at: container.codingPath + [CodingKeys.id], problem) }
        let drop = try container.decode(String.self, forKey: .drop)
        if let problem = Self.slugProblem(drop) { throw InvalidLedger(at: container.codingPath + [CodingKeys.drop], problem) }
        let sold = try container.decodeIfPresent(Int.self, forKey: .sold)
        let remaining = try container.decodeIfPresent(Int.self, forKey: .remaining)
        let change: Change
        switch (sold, remaining) {
        case (let units?, nil):
            guard Self.soldRange.contains(units) else {
                throw InvalidLedger(at: container.codingPath + [CodingKeys.sold], "must be \(Self.soldRange.lowerBound)...\(Self.soldRange.upperBound), not \(units)")
            }
            change = .sold(units)
        case (nil, let units?):
            guard Self.remainingRange.contains(units) else {
                throw InvalidLedger(at: container.codingPath + [CodingKeys.remaining], "must be \(Self.remainingRange.lowerBound)...\(Self.remainingRange.upperBound), not \(units)")
            }
            change = .remaining(units)
        case (nil, nil):
            throw InvalidLedger(at: container.codingPath, "needs `sold` or `remaining`")
        case (_?, _?):
            throw InvalidLedger(at: container.codingPath, "has both `sold` and `remaining`; an event is one of them")
        }
        let text = try container.decode(String.self, forKey: .at)
        guard let at = StockTime.parse(text) else {
            throw InvalidLedger(at: container.codingPath + [CodingKeys.at], "expected an RFC 3339 time such as 2026-12-04T17:00:00Z, got \"\(LineSafe.terminalEscaped(String(text.prefix(40))))\"")
        }
        let source = try container.decode(String.self, forKey: .source)
        if let problem = Self.sourceProblem(source) { throw InvalidLedger(at: container.codingPath + [CodingKeys.source], problem) }
        self.init(id: id, drop: drop, change: change, at: at, source: source)
    }
}
