import Foundation
import SiteSource
import TemplateKit

/// One HTML page of the site.
enum Page: Sendable, Hashable {
    case home, dropArchive(page: Int), drop(Int), creators, creator(Int), badges, badge(Int), tag(String), policy(Int)
    case schedule, pickups, trust, event(Int)
    case alias(String, target: Int)
    /// A holder's personal early-access page: its position in `Site.access`.
    case access(Int)
    case notFound

    /// A drop's page or redirect: there is one or more of these per drop, each small; the other
    /// pages are few, and most list many drops.
    var comesByTheThousand: Bool {
        switch self {
        case .drop, .alias, .access: true
        default: false
        }
    }

    /// Output path: folders with `index.html`, so URLs end in `/`.
    func outputPath(in site: Site) -> String {
        switch self {
        case .home: return "index.html"
        case .dropArchive(let page): return page == 1 ? "drops/index.html" : "drops/page/\(page)/index.html"
        case .drop(let index): return "drops/\(site.drops[index].slug)/index.html"
        case .creators: return "creators/index.html"
        case .creator(let index): return "creators/\(site.creators[index].id)/index.html"
        case .badges: return "badges/index.html"
        case .badge(let index): return "badges/\(site.badges[index].id)/index.html"
        case .tag(let tag): return "tags/\(tag)/index.html"
        case .policy(let index): return "policies/\(site.policies[index].id)/index.html"
        case .alias(let alias, _):
            let trimmed = String(alias.dropFirst())
            return alias.hasSuffix(".html") ? trimmed : trimmed + "index.html"
        case .schedule: return "schedule/index.html"
        case .pickups: return "pickups/index.html"
        case .trust: return "trust/index.html"
        case .event(let index): return "events/\(site.events[index].id)/index.html"
        case .access(let index): return site.access[index].outputPath
        case .notFound: return "404.html"
        }
    }

    /// Drops per archive page: small pages even for a market with thousands of drops.
    static let archivePageSize = 48

    static func archivePageCount(publicDrops: Int) -> Int { max(1, (publicDrops + archivePageSize - 1) / archivePageSize) }

    /// Positions in the public drops (opening order) shown on archive page `number`, newest first
    /// once reversed: page 1 ends at the last drop.
    static func archivePositions(_ number: Int, publicDrops: Int) -> Range<Int> {
        let end = max(0, publicDrops - (number - 1) * archivePageSize)
        return max(0, end - archivePageSize)..<end
    }

    static func all(in site: Site, tags: [String], publicDrops: Int) -> [Page] {
        var pages: [Page] = (1...archivePageCount(publicDrops: publicDrops)).map { .dropArchive(page: $0) }
        pages += [.home, .creators, .badges, .schedule, .pickups, .trust, .notFound]
        pages += site.events.indices.map { .event($0) }
        for (index, drop) in site.drops.enumerated() where drop.state != .draft {
            pages.append(.drop(index))
            pages += drop.aliases.map { .alias($0, target: index) }
        }
        pages += site.creators.indices.map { .creator($0) }
        pages += site.badges.indices.map { .badge($0) }
        pages += site.policies.indices.map { .policy($0) }
        pages += tags.map { .tag($0) }
        pages += site.access.indices.map { .access($0) }
        return pages
    }
}
