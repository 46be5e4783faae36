import Foundation

/// Turns the Site into the dictionaries the Mustache templates read. Every value a template
/// can print is plain text (escaped by `{{ }}`) except `body`, `bio` and `json_ld`, which are
/// produced safely here and printed with `{{{ }}}`.
struct Contexts: Sendable {
    let site: Site
    let clock: LocalClock
    let dropsByCreator: [String: [Drop]]
    let dropsByTag: [String: [Drop]]
    /// Public drops in opening order, computed once: every listing starts from it.
    let visible: [Drop]
    /// Every drop time formatted once; a drop appears on many listing pages.
    private let times: [Date: TimeText]

    struct TimeText: Sendable {
        var local, day, clock, iso, utc: String

        init(_ date: Date, clock: LocalClock) {
            local = clock.display(date)
            day = clock.day(date)
            self.clock = clock.time(date)
            iso = clock.iso(date)
            utc = RFC3339.format(date)
        }
    }

    init(site: Site) {
        self.site = site
        self.clock = LocalClock(timeZone: site.config.timeZone)
        let visible = site.publicDrops
        self.visible = visible
        let clock = self.clock
        var times: [Date: TimeText] = [:]
        for drop in visible {
            for date in [drop.opens, drop.closes, drop.priceUntil, drop.earlyAccess?.opens].compactMap({ $0 }) where times[date] == nil {
                times[date] = TimeText(date, clock: clock)
            }
        }
        self.times = times
        dropsByCreator = Dictionary(grouping: visible, by: \.creatorID)
        var byTag: [String: [Drop]] = [:]
        for drop in visible { for tag in drop.tags { byTag[tag, default: []].append(drop) } }
        dropsByTag = byTag
    }

    var siteContext: [String: Any] {
        let config = site.config
        return [
            "title": config.title, "description": config.description, "base_url": config.baseURL,
            "currency": config.currency, "locale": config.locale, "timezone": config.timeZone.identifier,
            "has_badges": !site.badges.isEmpty,
        ]
    }

    /// The page frame shared by every template: canonical URL, description, social tags.
    func page(title: String, path: String, description: String, type: String = "website", image: ImageRef? = nil,
              jsonLD: Any? = nil) -> [String: Any] {
        var page: [String: Any] = [
            "title": title, "path": path, "canonical": site.config.absoluteURL(path),
            "description": description.isEmpty ? site.config.description : description, "og_type": type,
        ]
        if let image {
            page["og_image"] = site.config.absoluteURL("/" + image.path)
            page["og_image_width"] = image.width
            page["og_image_height"] = image.height
        }
        if let jsonLD { page["json_ld"] = JSONText.encode(jsonLD) }
        return page
    }

    // MARK: drops

    func drop(_ drop: Drop, full: Bool = false) -> [String: Any] {
        let currency = site.config.currency
        var context: [String: Any] = [
            "slug": drop.slug, "url": drop.path, "permalink": site.config.absoluteURL(drop.path), "title": drop.title,
            "summary": drop.summary, "state": drop.state.rawValue, "state_label": drop.state.label,
            "is_\(drop.state.rawValue)": true,
            "can_buy": drop.state == .live && drop.buyURL != nil || drop.state == .earlyAccess && (drop.earlyAccess?.buyURL ?? drop.buyURL) != nil,
        ]
        if let creator = site.creator(drop.creatorID) {
            context["creator"] = ["id": creator.id, "name": creator.name, "url": creator.path, "location": creator.location ?? ""]
        }
        if let price = drop.price {
            context["price"] = price.formatted(currency: currency)
            context["price_amount"] = price.description
            if let anchor = drop.compareAt, anchor > price {
                context["compare_at"] = anchor.formatted(currency: currency)
                context["compare_at_amount"] = anchor.description
            }
        }
        if let until = drop.priceUntil { context["price_until"] = time(until) }
        if let scarcity = scarcity(drop) { context["scarcity"] = scarcity }
        if let edition = drop.edition { context["edition"] = edition }
        if let remaining = drop.remaining { context["remaining"] = remaining }
        if let limit = drop.perCustomerLimit { context["per_customer_limit"] = limit }
        if let opens = drop.opens { context["opens"] = time(opens) }
        if let closes = drop.closes { context["closes"] = time(closes) }
        if let poster = drop.hero?.posters.last ?? drop.images.first?.variants.first {
            context["thumbnail"] = ["src": "/" + poster.path, "width": poster.width, "height": poster.height]
        }
        guard full else { return context }

        context["body"] = drop.bodyHTML
        // During early access the holders' checkout link wins, when there is one.
        if let buyURL = drop.state == .earlyAccess ? drop.earlyAccess?.buyURL ?? drop.buyURL : drop.buyURL {
            context["buy_url"] = buyURL
        }
        if let access = drop.earlyAccess {
            context["early_access"] = [
                "opens": time(access.opens),
                "badges": access.badges.compactMap { site.badge($0) }.map { ["name": $0.name, "url": $0.path] },
            ]
        }
        context["pickup"] = drop.pickup.map(pickup)
        context["has_pickup"] = !drop.pickup.isEmpty
        context["has_images"] = !drop.images.isEmpty
        context["has_tags"] = !drop.tags.isEmpty
        if let policy = drop.policyID.flatMap(site.policy) {
            context["policy"] = ["title": policy.title, "url": policy.path, "promise": policy.promise]
        }
        context["tags"] = drop.tags.map { ["name": $0, "url": "/tags/\($0)/"] }
        context["calendar"] = "\(drop.path)drop.ics"
        context["share_text"] = shareText(drop)
        let featured = site.events.filter { $0.drops.contains(drop.slug) && $0.ends > site.now }
        context["events"] = featured.map { ["title": $0.title, "url": $0.path, "when": span($0.starts, $0.ends)] }
        if let hero = drop.hero { context["hero"] = heroContext(hero) }
        context["images"] = drop.images.map(still)
        return context
    }

    /// "7 of 24 left", "Sold out · edition of 24", "Edition of 24": what a shopper needs to trust.
    func scarcity(_ drop: Drop) -> String? {
        switch (drop.remaining, drop.edition) {
        case (0, let edition?): return "Sold out · edition of \(edition)"
        case (0, nil): return "Sold out"
        case (let remaining?, let edition?): return "\(remaining) of \(edition) left"
        case (let remaining?, nil): return "\(remaining) left"
        case (nil, let edition?): return "Edition of \(edition)"
        case (nil, nil): return nil
        }
    }

    func time(_ date: Date) -> [String: Any] {
        let text = times[date] ?? TimeText(date, clock: clock)
        return ["local": text.local, "day": text.day, "clock": text.clock, "iso": text.iso, "utc": text.utc]
    }

    func pickup(_ window: PickupWindow) -> [String: Any] {
        var context: [String: Any] = ["location": window.location, "starts": time(window.starts), "ends": time(window.ends)]
        if let address = window.address { context["address"] = address }
        context["when"] = span(window.starts, window.ends)
        return context
    }

    /// Same-day spans read "Sat 5 Dec 2026, 10:00–14:00".
    func span(_ starts: Date, _ ends: Date) -> String {
        clock.dayKey(starts) == clock.dayKey(ends)
            ? "\(clock.display(starts))–\(clock.time(ends))"
            : "\(clock.display(starts)) – \(clock.display(ends))"
    }

    func heroContext(_ hero: HeroMedia) -> [String: Any] {
        let poster = hero.posters.first
        return [
            "alt": hero.alt,
            "sources": hero.clips.map { ["src": "/" + $0.path, "type": $0.contentType] },
            "poster": poster.map { "/" + $0.path } ?? "",
            "poster_srcset": hero.posters.map { "/\($0.path) \($0.width)w" }.joined(separator: ", "),
            "width": hero.clips.first?.width ?? poster?.width ?? 0,
            "height": hero.clips.first?.height ?? poster?.height ?? 0,
        ]
    }

    func still(_ still: StillMedia) -> [String: Any] {
        let largest = still.variants.last
        return [
            "alt": still.alt, "src": largest.map { "/" + $0.path } ?? "",
            "srcset": still.variants.map { "/\($0.path) \($0.width)w" }.joined(separator: ", "),
            "width": still.width, "height": still.height, "placeholder": still.placeholder,
        ]
    }

    // MARK: lists

    func dropList(_ drops: [Drop]) -> [[String: Any]] { drops.map { drop($0) } }

    func creator(_ creator: Creator, full: Bool = false) -> [String: Any] {
        var context: [String: Any] = [
            "id": creator.id, "name": creator.name, "url": creator.path, "location": creator.location ?? "",
            "summary": creator.summary,
            "badges": badges(of: creator).map { badge -> [String: Any] in
                var entry: [String: Any] = ["name": badge.name, "url": badge.path, "icon": badge.icon ?? ""]
                if let figure = badge.figures[creator.id] { entry["figure"] = figure.text }
                return entry
            },
        ]
        if let avatar = creator.avatar { context["avatar"] = still(avatar) }
        if full {
            context["bio"] = creator.bioHTML
            context["links"] = creator.links.map { ["label": $0.label, "url": $0.url] }
            let drops = dropsByCreator[creator.id] ?? []
            context["drops"] = dropList(drops.reversed())
            context["drop_count"] = drops.count
        }
        return context
    }

    /// Holders of a badge: creators by name and link; buyers only as a count (never named here).
    func badge(_ badge: Badge, full: Bool = false) -> [String: Any] {
        var context: [String: Any] = [
            "id": badge.id, "name": badge.name, "url": badge.path, "icon": badge.icon ?? "", "criteria": badge.criteria,
            "for": badge.audience.rawValue, "for_buyers": badge.audience == .buyer,
        ]
        if let rule = badge.rule { context["rule"] = rule.explanation }
        let creators = holders(of: badge)
        context["holder_count"] = badge.audience == .creator ? creators.count : badge.holders.count
        context["holders"] = creators.map { creator -> [String: Any] in
            var entry: [String: Any] = ["name": creator.name, "url": creator.path]
            if let figure = badge.figures[creator.id] { entry["figure"] = figure.text }
            return entry
        }
        if full {
            context["body"] = badge.bodyHTML
            // Buyers are named only when they opted in; the rest appear in the count alone.
            let named = badge.holders.compactMap { site.buyers[$0] }.filter(\.isPublic).map(\.displayName).sorted()
            context["named_buyers"] = named.map { ["name": $0] }
            context["unnamed_buyer_count"] = badge.audience == .buyer ? badge.holders.count - named.count : 0
        }
        return context
    }

    func holders(of badge: Badge) -> [Creator] {
        guard badge.audience == .creator else { return [] }
        return site.creators.filter { badge.holders.contains($0.id) || $0.badges.contains(badge.id) }
    }

    func badges(of creator: Creator) -> [Badge] {
        site.badges.filter { $0.audience == .creator && ($0.holders.contains(creator.id) || creator.badges.contains($0.id)) }
    }

    func event(_ event: Event) -> [String: Any] {
        var context: [String: Any] = [
            "id": event.id, "title": event.title, "url": event.path, "location": event.location, "when": span(event.starts, event.ends),
            "starts": time(event.starts), "ends": time(event.ends), "body": event.bodyHTML,
            "drops": dropList(event.drops.compactMap { slug in visible.first { $0.slug == slug } }),
        ]
        if let address = event.address { context["address"] = address }
        return context
    }

    /// The next cadence slots with the drops opening on each slot's day; free slots read "coming soon".
    func schedule(slotCount: Int = 6) -> [String: Any] {
        let upcoming = visible.filter { $0.state == .scheduled || $0.state == .earlyAccess }
        guard let cadence = site.config.cadence else { return ["upcoming": dropList(upcoming)] }
        let slots = cadence.slots(after: site.now.addingTimeInterval(-1), count: slotCount, in: site.config.timeZone)
        var assigned: Set<String> = []
        let slotContexts: [[String: Any]] = slots.map { slot in
            let drops = upcoming.filter { $0.opens.map { clock.dayKey($0) == clock.dayKey(slot) } ?? false }
            assigned.formUnion(drops.map(\.slug))
            return ["time": time(slot), "drops": dropList(drops), "empty": drops.isEmpty]
        }
        return ["slots": slotContexts, "other": dropList(upcoming.filter { !assigned.contains($0.slug) }), "has_cadence": true]
    }

    /// Upcoming pickup windows and events, by local day and then location.
    func pickupDays() -> [[String: Any]] {
        struct Entry { var day: String; var starts: Date; var location: String; var context: [String: Any] }
        var entries: [Entry] = []
        for drop in visible {
            for window in drop.pickup where window.ends > site.now {
                var context = pickup(window)
                context["drop"] = ["title": drop.title, "url": drop.path]
                entries.append(Entry(day: clock.dayKey(window.starts), starts: window.starts, location: window.location, context: context))
            }
        }
        for event in site.events where event.ends > site.now {
            var context: [String: Any] = ["location": event.location, "when": span(event.starts, event.ends), "starts": time(event.starts)]
            if let address = event.address { context["address"] = address }
            context["event"] = ["title": event.title, "url": event.path]
            entries.append(Entry(day: clock.dayKey(event.starts), starts: event.starts, location: event.location, context: context))
        }
        entries.sort { ($0.day, $0.location, $0.starts) < ($1.day, $1.location, $1.starts) }
        let byDay = Dictionary(grouping: entries, by: \.day)
        return byDay.keys.sorted().map { day in
            let items = byDay[day]!
            return ["day": clock.day(items[0].starts), "items": items.map(\.context)]
        }
    }

    func policy(_ policy: Policy) -> [String: Any] {
        ["id": policy.id, "title": policy.title, "url": policy.path, "summary": policy.summary ?? "",
         "promise": policy.promise, "body": policy.bodyHTML]
    }
}
