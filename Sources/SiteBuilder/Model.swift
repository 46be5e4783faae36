import Foundation
import MediaPipeline

/// Everything a build knows about a site: plain values, every reference already checked.
public struct Site: Sendable {
    public var root: URL
    public var config: SiteConfig
    /// The build clock: states and "upcoming" lists are computed at this instant.
    public var now: Date
    /// Sorted by opening time, then slug. Drafts included; they are never rendered.
    public var drops: [Drop]
    public var creators: [Creator] { didSet { creatorIndex = Site.index(creators, by: \.id) } }
    public var badges: [Badge]
    public var policies: [Policy]
    public var events: [Event]
    /// Buyers from `data/buyers.csv`; only those with `isPublic` are ever named.
    public var buyers: [String: MarketData.Buyer]
    public var staticFiles: [StaticFile]
    public var templates: [String: String]

    /// Position of each creator by id: pages look creators up once per drop card.
    private var creatorIndex: [String: Int] = [:]

    public func creator(_ id: String) -> Creator? { creatorIndex[id].map { creators[$0] } }
    public func policy(_ id: String) -> Policy? { policies.first { $0.id == id } }
    public func badge(_ id: String) -> Badge? { badges.first { $0.id == id } }
    public var publicDrops: [Drop] { drops.filter { $0.state != .draft } }

    init(root: URL, config: SiteConfig, now: Date, drops: [Drop], creators: [Creator], badges: [Badge], policies: [Policy],
         events: [Event], buyers: [String: MarketData.Buyer], staticFiles: [StaticFile], templates: [String: String]) {
        self.root = root
        self.config = config
        self.now = now
        self.drops = drops
        self.creators = creators
        self.creatorIndex = Site.index(creators, by: \.id)
        self.badges = badges
        self.policies = policies
        self.events = events
        self.buyers = buyers
        self.staticFiles = staticFiles
        self.templates = templates
    }

    static func index<T>(_ items: [T], by key: (T) -> String) -> [String: Int] {
        Dictionary(items.enumerated().map { (key($0.element), $0.offset) }, uniquingKeysWith: { first, _ in first })
    }
}

public struct SiteConfig: Sendable {
    public var title: String
    public var description: String
    /// Absolute, without a trailing slash: `https://market.example`.
    public var baseURL: String
    public var currency: String
    public var timeZone: TimeZone
    public var locale: String
    public var cadence: Cadence?
    public var media: MediaOptions
    /// A closed drop becomes archived this many days after it closes.
    public var archiveAfterDays: Int
    /// `budgets:`, checked by `dropgen check` (SiteCheck+Budgets.swift).
    public var budgets = Budgets()

    public func absoluteURL(_ path: String) -> String { baseURL + path }
}

/// `cadence: { weekly: "friday 18:00" }`: the site's regular drop slot in its time zone.
public struct Cadence: Sendable, Equatable {
    /// 1 = Sunday … 7 = Saturday, as in `Calendar`.
    public var weekday: Int
    public var hour: Int
    public var minute: Int

    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    static func parse(_ text: String) -> Cadence? {
        let parts = text.lowercased().split(separator: " ")
        guard parts.count == 2, let day = weekdays.firstIndex(of: String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":")
        guard time.count == 2, let hour = Int(time[0]), let minute = Int(time[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return Cadence(weekday: day + 1, hour: hour, minute: minute)
    }

    /// The next `count` slots strictly after `date`, in `timeZone`.
    public func slots(after date: Date, count: Int, in timeZone: TimeZone) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var slots: [Date] = []
        var cursor = date
        while slots.count < count,
              let next = calendar.nextDate(after: cursor, matching: DateComponents(hour: hour, minute: minute, second: 0, weekday: weekday),
                                           matchingPolicy: .nextTime) {
            slots.append(next)
            cursor = next
        }
        return slots
    }
}

public enum DropState: String, Sendable, CaseIterable, Codable {
    case draft, scheduled
    case earlyAccess = "early_access"
    case live
    case soldOut = "sold_out"
    case closed, archived

    public var label: String {
        switch self {
        case .draft: return "Draft"
        case .scheduled: return "Opening soon"
        case .earlyAccess: return "Early access"
        case .live: return "Live now"
        case .soldOut: return "Sold out"
        case .closed: return "Closed"
        case .archived: return "Archived"
        }
    }

    /// Values creators may write in `status:`.
    static let overrides: [String: DropState] = [
        "draft": .draft, "scheduled": .scheduled, "live": .live, "sold_out": .soldOut, "archived": .archived,
    ]
}

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
    /// Where badge holders check out during early access (e.g. a code-gated link).
    public var buyURL: String?
}

public struct PickupWindow: Sendable, Codable {
    public var location: String
    public var address: String?
    public var starts: Date
    public var ends: Date
}

/// An image output the pages can reference: a path under the output root and its pixel size.
public struct ImageRef: Sendable, Hashable, Codable {
    public var path: String
    public var width: Int
    public var height: Int
    public var contentType: String
}

public struct VideoRef: Sendable, Hashable, Codable {
    public var path: String
    public var width: Int
    public var height: Int
    public var contentType: String
}

/// A drop's hero clip as planned: every output path and size is known before encoding.
public struct HeroMedia: Sendable, Codable {
    public var clips: [VideoRef]
    /// Widest first.
    public var posters: [ImageRef]
    public var ogImage: ImageRef
    public var alt: String
}

public struct StillMedia: Sendable, Codable {
    /// Narrowest first.
    public var variants: [ImageRef]
    public var width: Int
    public var height: Int
    /// A tiny blurred preview as a data URI, shown while the real image loads.
    public var placeholder: String
    public var alt: String
}

public struct Creator: Sendable {
    public var id: String
    public var file: String
    public var name: String
    public var location: String?
    public var links: [Link]
    public var badges: [String]
    public var avatar: StillMedia?
    public var bioHTML: String
    public var summary: String

    public var path: String { "/creators/\(id)/" }

    public struct Link: Sendable {
        public var label: String
        public var url: String
    }
}

public struct Badge: Sendable {
    public enum Audience: String, Sendable { case creator, buyer }

    public var id: String
    public var file: String
    public var name: String
    public var audience: Audience
    public var icon: String?
    public var criteria: String
    /// Creator ids (for creator badges) or buyer ids (for buyer badges), sorted: listed in
    /// `holders:` or computed from `rule:`.
    public var holders: [String]
    public var rule: BadgeRule?
    /// The figures behind a computed badge, per holder.
    public var figures: [String: BadgeRule.Figure] = [:]
    public var bodyHTML: String
    var lines: [String: Int] = [:]

    public var path: String { "/badges/\(id)/" }
}

public struct Policy: Sendable {
    public var id: String
    public var file: String
    public var title: String
    public var summary: String?
    public var refundDays: Int?
    public var disputeResponseHours: Int
    public var bodyHTML: String

    public var path: String { "/policies/\(id)/" }

    /// "Refunds within 14 days · disputes answered within 24 h"
    public var promise: String {
        let disputes = "answered within \(disputeResponseHours) h"
        guard let refundDays else { return "Disputes " + disputes }
        return (refundDays == 0 ? "No refunds" : "Refunds within \(refundDays) day\(refundDays == 1 ? "" : "s")") + " · disputes " + disputes
    }
}

/// A pop-up market or event, with the drops it features.
public struct Event: Sendable {
    public var id: String
    public var file: String
    public var title: String
    public var location: String
    public var address: String?
    public var starts: Date
    public var ends: Date
    /// Slugs of featured drops.
    public var drops: [String]
    public var bodyHTML: String
    public var summary: String

    public var path: String { "/events/\(id)/" }
}

/// A file from `static/`, with its published path (content-hashed where it is cacheable).
public struct StaticFile: Sendable {
    /// Path under `static/` as templates reference it, e.g. `js/countdown.js`.
    public var name: String
    /// Published path, content-hashed for cacheable kinds.
    public var path: String
    public var data: Data
}

extension Drop {
    static func aliasLineKey(_ index: Int) -> String { "aliases[\(index)]" }
    static func aliasColumnKey(_ index: Int) -> String { "aliases[\(index)]:column" }

    /// Where alias `index` is written: its own line and column when known, else the key's line.
    func aliasLocation(_ index: Int) -> (line: Int?, column: Int?) {
        if let line = self.lines[Self.aliasLineKey(index)] { return (line, self.lines[Self.aliasColumnKey(index)]) }
        return (self.lines["aliases"], nil)
    }
}
