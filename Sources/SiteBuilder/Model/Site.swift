import Foundation
import StockLedger

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
    /// The stock ledger applied to the drops (`SiteBuild.Options.stock`), if any: the live files
    /// name each entry's time.
    public internal(set) var stock: StockLedger?
    /// The personal early-access pages (`planAccess`), by drop then holder; empty until planned.
    public internal(set) var access: [AccessPage] = []

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

/// A file from `static/`, with its published path (content-hashed where it is cacheable).
public struct StaticFile: Sendable {
    /// Path under `static/` as templates reference it, e.g. `js/countdown.js`.
    public var name: String
    /// Published path, content-hashed for cacheable kinds.
    public var path: String
    public var data: Data
}
