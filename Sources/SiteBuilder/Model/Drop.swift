import Foundation

/// One drop as loaded. Copy-on-write with a single reference inside: a large site copies its
/// drops into groupings, listings and the rebuild session, and copying the fields themselves
/// (two dozen strings and arrays) dominated rebuilds.
@dynamicMemberLookup
public struct Drop: Sendable, Codable {
    public struct Fields: Sendable, Codable {
        /// Site-relative path of the Markdown file, for errors and dependency tracking.
        public var file: String
        public var slug: String
        public var title: String
        public var creatorID: String
        public var aliases: [String]
        public var price: Money?
        public var compareAt: Money?
        /// The price holds until then (schema.org `priceValidUntil`).
        public var priceUntil: Date?
        public var edition: Int?
        public var remaining: Int?
        public var perCustomerLimit: Int?
        public var opens: Date?
        public var closes: Date?
        public var statusOverride: DropState?
        public var earlyAccess: EarlyAccess?
        public var hero: HeroMedia?
        public var images: [StillMedia]
        public var pickup: [PickupWindow]
        public var policyID: String?
        public var tags: [String]
        public var buyURL: String?
        public var bodyHTML: String
        public var summary: String
        public var state: DropState
        /// Line of each top-level key in the file, for errors found after loading; also line
        /// and column of each alias (`Drop.aliasLineKey`, `Drop.aliasColumnKey`).
        var lines: [String: Int] = [:]
        /// The content-cache key of the file (a hash of its path and bytes): what the drop was read from.
        var source = ""
    }

    private final class Box: @unchecked Sendable {
        // Written only through `Drop`'s setter, and only when this box is not shared.
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    init(file: String, slug: String, title: String, creatorID: String, aliases: [String], price: Money?, compareAt: Money?,
         priceUntil: Date?, edition: Int?, remaining: Int?, perCustomerLimit: Int?, opens: Date?, closes: Date?,
         statusOverride: DropState?, earlyAccess: EarlyAccess?, hero: HeroMedia?, images: [StillMedia], pickup: [PickupWindow],
         policyID: String?, tags: [String], buyURL: String?, bodyHTML: String, summary: String, state: DropState,
         lines: [String: Int] = [:]) {
        box = Box(Fields(file: file, slug: slug, title: title, creatorID: creatorID, aliases: aliases, price: price,
                         compareAt: compareAt, priceUntil: priceUntil, edition: edition, remaining: remaining,
                         perCustomerLimit: perCustomerLimit, opens: opens, closes: closes, statusOverride: statusOverride,
                         earlyAccess: earlyAccess, hero: hero, images: images, pickup: pickup, policyID: policyID, tags: tags,
                         buyURL: buyURL, bodyHTML: bodyHTML, summary: summary, state: state, lines: lines))
    }

    public subscript<Value>(dynamicMember field: KeyPath<Fields, Value>) -> Value { box.fields[keyPath: field] }

    public subscript<Value>(dynamicMember field: WritableKeyPath<Fields, Value>) -> Value {
        get { box.fields[keyPath: field] }
        set {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            box.fields[keyPath: field] = newValue
        }
    }

    public init(from decoder: any Decoder) throws { box = Box(try Fields(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try box.fields.encode(to: encoder) }

    /// Spelled out: `state(at:archiveAfterDays:)` would hide the dynamic member.
    public var state: DropState {
        get { box.fields.state }
        set { self[dynamicMember: \.state] = newValue }
    }

    public var path: String { "/drops/\(self.slug)/" }
}

public struct EarlyAccess: Sendable, Codable {
    public var opens: Date
    public var badges: [String]
    /// Where badge holders check out during early access (e.g. a code-gated link). Printed only
    /// on their personal pages (`AccessPage`), never on a public one.
    public var buyURL: String?
    /// Holders whose personal page is no longer made (a leaked link): `early_access.revoke`.
    public var revoke: [String] = []
}

public struct PickupWindow: Sendable, Codable {
    public var location: String
    public var address: String?
    public var starts: Date
    public var ends: Date
}

extension Drop {
    /// The line of `early_access.revoke`, for errors about a revoked holder.
    static let revokeLineKey = "early_access.revoke"

    static func aliasLineKey(_ index: Int) -> String { "aliases[\(index)]" }
    static func aliasColumnKey(_ index: Int) -> String { "aliases[\(index)]:column" }

    /// Where alias `index` is written: its own line and column when known, else the key's line.
    func aliasLocation(_ index: Int) -> (line: Int?, column: Int?) {
        if let line = self.lines[Self.aliasLineKey(index)] { return (line, self.lines[Self.aliasColumnKey(index)]) }
        return (self.lines["aliases"], nil)
    }
}
