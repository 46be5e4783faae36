import Foundation
import SiteManifest
import SiteSource

/// `dropgen access`: for every drop whose early access is open or still to come, each holder and
/// their personal URL: the list an organiser sends to holders. Made from the site alone (nothing
/// built, nothing published), with the same tokens a build at the same clock writes.
public struct AccessList: Sendable, Equatable {
    public struct Holder: Sendable, Equatable {
        public var id: String
        /// A buyer's display name only when they chose to be named; a maker's name.
        public var name: String?
        public var url: String
    }

    public struct Entry: Sendable, Equatable {
        public var slug: String
        public var title: String
        /// `scheduled` (early access to come), `early_access`, or `sold_out` within the window.
        public var state: String
        /// RFC 3339: when the window opens, and when everyone may buy (nil: no opening set).
        public var earlyAccessOpens: String
        public var opens: String?
        public var holders: [Holder]
    }

    public var drops: [Entry]

    /// The list at `now`. `secret` is `DROPGEN_ACCESS_SECRET`: without it a drop that has holders
    /// is the build's error naming the variable.
    public static func make(root: URL, now: Date, secret: String? = SiteBuild.environmentAccessSecret) async throws(BuildFailed)
        -> AccessList {
        var (site, _) = try await Site.load(root: root, now: now, planMedia: false)
        try site.planAccess(secret: secret)
        var entries: [Entry] = []
        for page in site.access where page.isOpen {
            let drop = site.drops[page.drop]
            let holder = Holder(id: page.holder, name: page.holderName, url: site.config.absoluteURL(page.path))
            if entries.last?.slug == page.slug {
                entries[entries.count - 1].holders.append(holder)
            } else {
                entries.append(Entry(slug: drop.slug, title: drop.title, state: drop.state.rawValue,
                                     earlyAccessOpens: RFC3339.format(drop.earlyAccess!.opens), opens: drop.opens.map(RFC3339.format),
                                     holders: [holder]))
            }
        }
        return AccessList(drops: entries)
    }

    /// RFC 4180 CSV, one row per holder: `drop,title,early_access_opens,opens,holder,name,url`.
    /// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
    public var csv: String {
        var text = "drop,title,early_access_opens,opens,holder,name,url\r\n"
        for entry in drops {
            for holder in entry.holders {
                let cells = [entry.slug, entry.title, entry.earlyAccessOpens, entry.opens ?? "", holder.id, holder.name ?? "", holder.url]
                text += cells.map(Self.csvCell).joined(separator: ",") + "\r\n"
            }
        }
        return text
    }

    static func csvCell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
