import Foundation
import SiteSource
import TemplateKit

/// A page's template and context, and its HTML: the templates over the site's `Contexts`, with
/// references to static files rewritten to their content-hashed names.
struct PageRenderer: Sendable {
    /// Cards per list on the home page; the schedule and archive have the rest.
    static let homeListLimit = 12

    let contexts: Contexts
    let library: TemplateLibrary
    /// `/js/countdown.js` → `/js/countdown.0123456789.js`: references in templates use the
    /// plain names and are rewritten to the content-hashed ones.
    let assets: [String: String]

    var site: Site { contexts.site }

    /// A page's UTF-8 bytes, with asset references rewritten.
    func render(_ template: String, _ context: TemplateValue) throws(Diagnostic) -> [UInt8] {
        guard let html = library.renderBytes(template, context) else {
            throw Diagnostic(file: "templates/\(template).mustache", message: "not found")
        }
        return rewriteAssetReferences(html)
    }

    /// For the pages that come by the thousand (drops, archive pages, tags, makers, redirects), a
    /// value from which their template value follows, built without building it: the site-wide
    /// digest and the inputs of the drops they show. Their fingerprints come from this; nil for
    /// the few other pages, which are fingerprinted from their template value itself.
    func inputs(of page: Page) -> TemplateValue? {
        let globals = TemplateValue.string(contexts.globals)
        switch page {
        case .drop(let index):
            return ["drop", globals, .string(contexts.dropInputs[site.drops[index].slug] ?? contexts.inputs(of: site.drops[index]))]
        case .dropArchive(let number):
            let count = contexts.visible.count
            return ["drops", globals, .int(number), .int(count), contexts.tagCounts,
                    contexts.listedInputs(Page.archivePositions(number, publicDrops: count).reversed())]
        case .tag(let tag):
            return ["tag", globals, .string(tag), contexts.listedInputs((contexts.dropsByTag[tag] ?? []).reversed())]
        case .creator(let index):
            let creator = site.creators[index]
            return ["creator", globals, contexts.creator(creator, full: true, listingDrops: false),
                    contexts.listedInputs((contexts.dropsByCreator[creator.id] ?? []).reversed())]
        case .alias(let alias, let target):
            return ["redirect", globals, .string(alias), .string(contexts.dropInputs[site.drops[target].slug] ?? "")]
        case .access(let index):
            // Every holder's page of a drop is the same page: the token is in its path alone.
            let access = site.access[index], drop = site.drops[access.drop]
            return ["access", globals, .bool(access.isOpen), .string(contexts.dropInputs[drop.slug] ?? contexts.inputs(of: drop))]
        default:
            return nil
        }
    }

    /// The template a page uses and everything it reads: the page's bytes are a function of these
    /// (and the asset map) alone, which is what lets a rebuild skip pages whose value is unchanged.
    func templateAndContext(_ page: Page) -> (String, TemplateValue) { withSite(pageContext(page)) }

    func withSite(_ page: (template: String, context: [String: TemplateValue])) -> (String, TemplateValue) {
        var context = page.context
        context["site"] = contexts.siteContext
        return (page.template, .object(context))
    }

    /// A drop's own page; also rendered alone, against the last build, for a quick preview of an edit.
    /// With `holder`, a badge holder's personal page of it: the holders' checkout during early
    /// access, never indexed, its canonical URL the public page's.
    func dropPage(_ drop: Drop, holder: Bool = false) -> (String, [String: TemplateValue]) {
        let config = site.config
        var page = contexts.page(title: "\(drop.title) · \(config.title)", path: drop.path, description: drop.summary,
                                 type: "product", image: drop.hero?.ogImage ?? drop.images.first?.variants.last,
                                 jsonLD: contexts.productJSONLD(drop))
        if let price = drop.price {
            page["product_price"] = .string(price.description)
            page["product_currency"] = .string(config.currency)
        }
        if let poster = drop.hero?.posters.last { page["preload_image"] = .string("/" + poster.path) }
        if let hero = drop.hero, hero.posters.count > 1 {
            page["preload_srcset"] = .string(hero.posters.map { "/\($0.path) \($0.width)w" }.joined(separator: ", "))
        }
        if holder { page["robots"] = "noindex, nofollow" }
        return ("drop", ["page": page, "drop": contexts.drop(drop, full: true, holder: holder)])
    }

    private func pageContext(_ page: Page) -> (String, [String: TemplateValue]) {
        let config = site.config
        let visible = contexts.visible
        switch page {
        case .home:
            func inState(_ states: Set<DropState>) -> [Drop] { contexts.drops(visible.indices.filter { states.contains(visible[$0].state) }) }
            let live = inState([.live, .earlyAccess]).prefix(Self.homeListLimit)
            let upcoming = inState([.scheduled]).prefix(Self.homeListLimit)
            let ended = inState([.soldOut, .closed])
                .sorted { ($0.closes ?? .distantPast, $0.slug) > ($1.closes ?? .distantPast, $1.slug) }
            return ("home", [
                "page": contexts.page(title: config.title, path: "/", description: config.description),
                "live": contexts.dropList(live), "upcoming": contexts.dropList(upcoming),
                "recently_ended": contexts.dropList(ended.prefix(6)),
                "creators": .list(site.creators.map { contexts.creator($0) }),
            ])
        case .dropArchive(let number):
            let slice = visible[Page.archivePositions(number, publicDrops: visible.count)].reversed()
            let pageCount = Page.archivePageCount(publicDrops: visible.count)
            func url(_ n: Int) -> String { n == 1 ? "/drops/" : "/drops/page/\(n)/" }
            var pagination: TemplateValue = ["current": .int(number), "total": .int(pageCount)]
            if number > 1 { pagination["previous"] = .string(url(number - 1)) }
            if number < pageCount { pagination["next"] = .string(url(number + 1)) }
            return ("drops", [
                "page": contexts.page(title: number == 1 ? "All drops · \(config.title)" : "All drops, page \(number) · \(config.title)",
                                      path: url(number), description: "Every drop, newest first."),
                "drops": contexts.dropList(slice), "pagination": pagination, "tags": contexts.tagCounts,
            ])
        case .drop(let index):
            return dropPage(site.drops[index])
        case .creators:
            return ("creators", [
                "page": contexts.page(title: "Makers · \(config.title)", path: "/creators/", description: "The makers behind the drops."),
                "creators": .list(site.creators.map { contexts.creator($0) }),
            ])
        case .creator(let index):
            let creator = site.creators[index]
            return ("creator", [
                "page": contexts.page(title: "\(creator.name) · \(config.title)", path: creator.path, description: creator.summary,
                                      type: "profile", image: creator.avatar?.variants.last),
                "creator": contexts.creator(creator, full: true),
            ])
        case .badges:
            return ("badges", [
                "page": contexts.page(title: "Badges · \(config.title)", path: "/badges/", description: "How makers and buyers earn trust badges."),
                "badges": .list(site.badges.map { contexts.badge($0) }),
            ])
        case .badge(let index):
            let badge = site.badges[index]
            return ("badge", [
                "page": contexts.page(title: "\(badge.name) · \(config.title)", path: badge.path, description: badge.criteria),
                "badge": contexts.badge(badge, full: true),
            ])
        case .tag(let tag):
            return ("tag", [
                "page": contexts.page(title: "#\(tag) · \(config.title)", path: "/tags/\(tag)/", description: "Drops tagged \(tag)."),
                "tag": .string(tag), "drops": contexts.dropList(contexts.drops((contexts.dropsByTag[tag] ?? []).reversed())),
            ])
        case .policy(let index):
            let policy = site.policies[index]
            return ("policy", [
                "page": contexts.page(title: "\(policy.title) · \(config.title)", path: policy.path, description: policy.promise),
                "policy": contexts.policy(policy),
            ])
        case .alias(let alias, let target):
            let drop = site.drops[target]
            var page = contexts.page(title: drop.title, path: drop.path, description: drop.summary)
            page["robots"] = "noindex"
            return ("redirect", ["page": page, "alias": .string(alias), "target": .string(drop.path), "drop": contexts.drop(drop)])
        case .schedule:
            return ("schedule", [
                "page": contexts.page(title: "Schedule · \(config.title)", path: "/schedule/", description: "When the next drops open."),
            ].merging(contexts.schedule()) { a, _ in a })
        case .pickups:
            return ("pickups", [
                "page": contexts.page(title: "Pickups · \(config.title)", path: "/pickups/", description: "Where and when to collect your orders."),
                "days": contexts.pickupDays(),
            ])
        case .trust:
            return ("trust", [
                "page": contexts.page(title: "Trust & policies · \(config.title)", path: "/trust/",
                                      description: "Refunds, reissues, disputes, and how badges are earned."),
                "policies": .list(site.policies.map(contexts.policy)), "badges": .list(site.badges.map { contexts.badge($0) }),
            ])
        case .event(let index):
            let event = site.events[index]
            return ("event", [
                "page": contexts.page(title: "\(event.title) · \(config.title)", path: event.path, description: event.summary, type: "website"),
                "event": contexts.event(event),
            ])
        case .access(let index):
            let access = site.access[index], drop = site.drops[access.drop]
            if access.isOpen { return dropPage(drop, holder: true) }
            // The window has ended: the link leads to the public page, at everyone's terms.
            var page = contexts.page(title: drop.title, path: drop.path, description: drop.summary)
            page["robots"] = "noindex, nofollow"
            return ("redirect", ["page": page, "target": .string(drop.path), "drop": contexts.drop(drop), "access_ended": true])
        case .notFound:
            var page = contexts.page(title: "Not found · \(config.title)", path: "/404.html", description: "")
            page["robots"] = "noindex"
            return ("404", ["page": page])
        }
    }

    /// Rewrites attribute values (`href="/x"`, `src="/x"`) that name static files. Works on
    /// UTF-8 bytes: this runs over every page.
    func rewriteAssetReferences(_ bytes: [UInt8]) -> [UInt8] {
        guard !assets.isEmpty else { return bytes }
        var output: [UInt8] = []
        var index = 0, copied = 0
        let quote = UInt8(ascii: "\""), marker = Array("=\"/".utf8)
        while let found = bytes.firstRange(of: marker, from: index) {
            let start = found.lowerBound + 2
            var end = start
            while end < bytes.count, bytes[end] != quote { end += 1 }
            if let replacement = assets[String(decoding: bytes[start..<end], as: UTF8.self)] {
                if output.isEmpty { output.reserveCapacity(bytes.count + 256) }
                output += bytes[copied..<start]
                output += replacement.utf8
                copied = end
            }
            index = end
        }
        guard copied > 0 else { return bytes }
        output += bytes[copied...]
        return output
    }
}
