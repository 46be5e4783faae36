import Foundation
import SiteManifest

/// Machine-readable outputs: sitemap, robots.txt, Atom feed, catalog.json, _redirects.
extension Contexts {
    /// When a drop's page last changed state: its latest schedule instant that has passed, if any.
    func lastChange(_ drop: Drop) -> Date? {
        drop.transitions(archiveAfterDays: site.config.archiveAfterDays).filter { $0 <= site.now }.max()
    }

    func sitemap(pages: [String]) -> String {
        var lastmod: [String: Date] = [:]
        for drop in visible { lastmod[drop.path] = lastChange(drop) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for path in pages.sorted() {
            xml += "  <url><loc>\(xmlEscape(site.config.absoluteURL(path)))</loc>"
            if let date = lastmod[path] { xml += "<lastmod>\(RFC3339.format(date))</lastmod>" }
            xml += "</url>\n"
        }
        return xml + "</urlset>\n"
    }

    var robots: String {
        "User-agent: *\nAllow: /\n\nSitemap: \(site.config.absoluteURL("/sitemap.xml"))\n"
    }

    /// Atom feed of public drops, newest change first.
    func atomFeed(limit: Int = 50) -> String {
        let config = site.config
        let entries = visible.map { ($0, lastChange($0) ?? site.now) }
            .sorted { ($0.1, $0.0.slug) > ($1.1, $1.0.slug) }.prefix(limit)
        let updated = entries.map(\.1).max() ?? site.now
        var xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>\(xmlEscape(config.title))</title>
          <id>\(xmlEscape(config.absoluteURL("/")))</id>
          <link rel="alternate" href="\(xmlEscape(config.absoluteURL("/")))"/>
          <link rel="self" href="\(xmlEscape(config.absoluteURL("/feed.xml")))"/>
          <updated>\(RFC3339.format(updated))</updated>

        """
        for (drop, changed) in entries {
            let url = xmlEscape(config.absoluteURL(drop.path))
            let creator = site.creator(drop.creatorID)?.name ?? drop.creatorID
            var summary = drop.state.label
            if let price = drop.price { summary += " · " + price.formatted(currency: config.currency) }
            if let scarcity = scarcity(drop) { summary += " · " + scarcity }
            if let opens = drop.opens { summary += " · opens " + clock.display(opens) }
            if !drop.summary.isEmpty { summary += "\n\n" + drop.summary }
            xml += """
              <entry>
                <title>\(xmlEscape(drop.title))</title>
                <id>\(url)</id>
                <link rel="alternate" href="\(url)"/>
                <updated>\(RFC3339.format(changed))</updated>
                <author><name>\(xmlEscape(creator))</name></author>
                <summary>\(xmlEscape(summary))</summary>
              </entry>

            """
        }
        return xml + "</feed>\n"
    }

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

    /// Folders of dropgen's own records, in a build's output (`.dropgen/`) and in a folder
    /// publish target (`.dropgen-meta/`): never served by a host that reads `_redirects`.
    static let privateFolders = [".dropgen", ".dropgen-meta"]

    /// Netlify / Cloudflare Pages `_redirects`: each alias moves permanently to its drop; then
    /// dropgen's own folders answer "not found" (Netlify: a forced 404; Cloudflare Pages, which
    /// accepts only 200 and 3xx and skips the other line, serves the 404 page in their place);
    /// then the site's own rules (`static/_redirects`), which thus cannot override either.
    /// Paths are percent-encoded where they hold white space or a control character, so no
    /// value can start a field or a rule of its own.
    func redirects(siteRules: Data? = nil) -> String {
        var lines: [String] = []
        for drop in visible {
            for alias in drop.aliases { lines.append("\(LineSafe.percentEncoded(alias)) \(LineSafe.percentEncoded(drop.path)) 301") }
        }
        lines.sort()
        var text = "# Written by dropgen build.\n" + lines.map { $0 + "\n" }.joined()
        for folder in Self.privateFolders {
            text += "/\(folder)/* /404.html 404!\n/\(folder)/* /404.html 200\n"
        }
        if let siteRules, !siteRules.isEmpty {
            let own = String(decoding: siteRules, as: UTF8.self)
            text += "# The site's own rules, from static/_redirects:\n" + own + (own.hasSuffix("\n") ? "" : "\n")
        }
        return text
    }
}
