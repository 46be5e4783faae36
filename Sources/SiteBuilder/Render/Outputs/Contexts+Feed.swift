import Foundation
import SiteManifest

extension Contexts {
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
            if let access = drop.earlyAccess, drop.state == .scheduled || drop.state == .earlyAccess {
                summary += " · early access for \(holdersOf(access)) from " + clock.display(access.opens)
            }
            if let opens = drop.opens { summary += " · opens " + clock.display(opens) + (drop.earlyAccess == nil ? "" : " to everyone") }
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
}
