import Foundation
import SiteManifest
import TemplateKit

/// The live files the theme's live script polls between builds: `/live.json` for listings and
/// `/live/<slug>.json` for a product page. Compact JSON with sorted keys, one line:
///
///     {"drops":{"mugs":{"remaining":7,"state":"live","updated":"2026-12-04T17:02:11Z"}}}
///     {"remaining":7,"state":"live","updated":"2026-12-04T17:02:11Z"}
///
/// `remaining` is null when the drop counts no stock; `updated` is the stock ledger's time of the
/// drop's last change, null while the front matter's opening stock stands. There is no build
/// time in them: a file changes only when its stock or state does, so a build that changes
/// neither uploads nothing (the response's `Date` header tells the script the time).
extension Contexts {
    /// The drops a shopper may still see change: opening soon, in early access, live, and sold out
    /// until they close (the script must learn of a sell-out, and of a restock).
    var liveDrops: [Drop] {
        visible.filter { drop in
            switch drop.state {
            case .scheduled, .earlyAccess, .live: return true
            case .soldOut: return drop.closes.map { $0 > site.now } ?? true
            case .draft, .closed, .archived: return false
            }
        }
    }

    /// How far ahead `live.json` lists drops opening soon. Listings poll it, so it must stay
    /// small on a site with thousands of future drops; a card further out flips at its opening
    /// time by itself (its `data-opens`), and its own page still has its live file.
    static let listedOpeningWithin: TimeInterval = 7 * 86_400

    /// The drops `live.json` lists: the live ones, and those opening within a week.
    var liveListedDrops: [Drop] {
        let horizon = site.now.addingTimeInterval(Self.listedOpeningWithin)
        return liveDrops.filter { drop in
            drop.state != .scheduled || (drop.earlyAccess?.opens ?? drop.opens).map { $0 <= horizon } ?? false
        }
    }

    /// One drop's entry: what its live file holds, and its value in `live.json`.
    func liveEntry(_ drop: Drop) -> JSONValue {
        [
            "remaining": JSONValue(drop.remaining), "state": .string(drop.state.rawValue),
            "updated": JSONValue(site.stock?.entry(for: drop.slug).map { RFC3339.format($0.updatedAt) }),
        ]
    }

    /// The input a live file is a function of: its entry's bytes.
    func liveInput(_ drops: [Drop]) -> TemplateValue {
        .list(drops.map { .list([.string($0.slug), .string(JSONText.encode(liveEntry($0)))]) })
    }

    /// `/live.json`: every live drop's entry by slug.
    func liveFile(_ drops: [Drop]) -> String {
        let entries = Dictionary(drops.map { ($0.slug, liveEntry($0)) }, uniquingKeysWith: { a, _ in a })
        return JSONText.encode(["drops": .object(entries)]) + "\n"
    }

    /// `/live/<slug>.json`: one drop's entry.
    func liveFile(_ drop: Drop) -> String { JSONText.encode(liveEntry(drop)) + "\n" }

    static func livePath(_ slug: String) -> String { "live/\(slug).json" }
    static let liveListPath = "live.json"
}
