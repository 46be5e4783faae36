import Foundation
import SiteManifest

extension Contexts {
    /// A public drop's catalog entry, encoded: it appears in the site's catalog and in its creator's.
    func catalogEntry(_ drop: Drop) -> JSONValue {
        let config = site.config
        let entry: JSONValue = [
            "slug": .string(drop.slug), "permalink": .string(config.absoluteURL(drop.path)), "title": .string(drop.title),
            "creator": .string(site.creator(drop.creatorID)?.name ?? drop.creatorID), "creator_id": .string(drop.creatorID),
            "currency": .string(config.currency), "state": .string(drop.state.rawValue),
            "availability": .string(drop.state.availability(remaining: drop.remaining, edition: drop.edition)),
            "tags": .array(drop.tags.map(JSONValue.string)),
            "price": JSONValue(drop.price?.description), "opens": JSONValue(drop.opens.map(RFC3339.format)),
            "closes": JSONValue(drop.closes.map(RFC3339.format)), "remaining": JSONValue(drop.remaining),
            "edition": JSONValue(drop.edition), "per_customer_limit": JSONValue(drop.perCustomerLimit),
            "poster": JSONValue((drop.hero?.ogImage ?? drop.images.first?.variants.last).map { config.absoluteURL("/" + $0.path) }),
            "pickup": .array(drop.pickup.map { window in
                ["location": .string(window.location), "address": JSONValue(window.address),
                 "starts": .string(RFC3339.format(window.starts)), "ends": .string(RFC3339.format(window.ends))]
            }),
            "share_text": .string(shareText(drop)),
            // Channel announcements name the badges that early access is for.
            "early_access": drop.earlyAccess.map { access in
                ["opens": .string(RFC3339.format(access.opens)),
                 "badges": .array(access.badges.map { JSONValue.string(site.badge($0)?.name ?? $0) })]
            } ?? .null,
        ]
        // Entries sit two levels deep: catalog → drops → entry.
        return .fragment(JSONText.encode(entry, pretty: true, level: 2))
    }

    /// `catalog.json` and `/creators/<id>/catalog.json`: drops for channel bots and other tools.
    func catalog(_ drops: [JSONValue]) -> String {
        let config = site.config
        let object: JSONValue = [
            "site": .string(config.title), "base_url": .string(config.baseURL), "currency": .string(config.currency),
            "generated_at": .string(RFC3339.format(site.now)), "drops": .array(drops),
        ]
        return JSONText.encode(object, pretty: true) + "\n"
    }

    static let redirectsFile = "_redirects"
}
