import Foundation
import Publisher
import SiteManifest

/// What is live: the site's own `catalog.json`, as a build wrote it and a publish made it live.
/// Read from the published build (or from the target itself), so this module needs nothing of
/// the build: every announcement is about a page a shopper can already open.
public struct LiveCatalog: Sendable, Equatable {
    public struct Drop: Sendable, Equatable, Codable {
        public struct EarlyAccess: Sendable, Equatable, Codable {
            public var opens: String
            public var badges: [String]

            public init(opens: String, badges: [String]) {
                self.opens = opens
                self.badges = badges
            }
        }

        public var slug: String
        public var title: String
        public var creator: String
        public var permalink: String
        public var state: String
        /// Decimal text in the site currency ("34.00"); nil for a drop without a price.
        public var price: String?
        public var currency: String
        public var remaining: Int?
        public var edition: Int?
        public var opens: String?
        public var closes: String?
        /// An absolute URL; only a JPEG is shown (what Discord and Telegram both take as a photo).
        public var poster: String?
        public var earlyAccess: EarlyAccess?

        public init(slug: String, title: String, creator: String, permalink: String, state: String, price: String?,
                    currency: String, remaining: Int?, edition: Int?, opens: String?, closes: String?, poster: String?,
                    earlyAccess: EarlyAccess?) {
            self.slug = slug
            self.title = title
            self.creator = creator
            self.permalink = permalink
            self.state = state
            self.price = price
            self.currency = currency
            self.remaining = remaining
            self.edition = edition
            self.opens = opens
            self.closes = closes
            self.poster = poster
            self.earlyAccess = earlyAccess
        }

        enum CodingKeys: String, CodingKey {
            case slug, title, creator, permalink, state, price, currency, remaining, edition, opens, closes, poster
            case earlyAccess = "early_access"
        }

        /// States in which units can be bought.
        public var selling: Bool { state == "live" || state == "early_access" }

        public var jpegPoster: String? {
            guard let poster, let path = URL(string: poster)?.path.lowercased() else { return nil }
            return path.hasSuffix(".jpg") || path.hasSuffix(".jpeg") ? poster : nil
        }
    }

    public var site: String
    public var baseURL: String
    public var generatedAt: String
    public var drops: [Drop]

    /// The largest catalog read: a 10,000-drop site's is some 15 MB.
    public static let maxBytes = 64 << 20
    public static let path = "catalog.json"

    struct File: Decodable {
        var site: String
        var baseURL: String
        var generatedAt: String
        var drops: [Drop]
        enum CodingKeys: String, CodingKey {
            case site, drops
            case baseURL = "base_url"
            case generatedAt = "generated_at"
        }
    }

    public init(site: String, baseURL: String, generatedAt: String, drops: [Drop]) {
        self.site = site
        self.baseURL = baseURL
        self.generatedAt = generatedAt
        self.drops = drops
    }

    public static func decode(_ data: Data) throws -> LiveCatalog {
        guard data.count <= maxBytes else { throw AnnounceError.catalog("larger than \(maxBytes >> 20) MB") }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw AnnounceError.catalog("not a dropgen catalog: \(error)")
        }
        return LiveCatalog(site: file.site, baseURL: file.baseURL, generatedAt: file.generatedAt, drops: file.drops)
    }

    /// `<build>/catalog.json`.
    public static func read(buildDirectory: URL) throws -> LiveCatalog {
        let url = buildDirectory.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw AnnounceError.catalog("\(url.path) not found; build the site first")
        }
        return try decode(data)
    }
}

extension LiveCatalog {
    /// The catalog a target serves now: what `dropgen announce` announces from.
    public static func read(from target: any PublishTarget) async throws -> LiveCatalog {
        try await target.open(forWriting: false)
        guard let data = try await target.get(path) else {
            throw AnnounceError.catalog("\(target.displayName) serves no catalog.json; publish the site first")
        }
        return try decode(data)
    }
}
