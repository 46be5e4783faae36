import Foundation
import SiteManifest
import TemplateKit

/// Turns the Site into the values the Mustache templates read. Every value a template can print
/// is plain text (escaped by `{{ }}`) except `body`, `bio` and `json_ld`, which are produced
/// safely here and printed with `{{{ }}}`.
struct Contexts: Sendable {
    let site: Site
    let clock: LocalClock
    /// Positions in `visible`, in opening order: a `Drop` is large, and copying it into every
    /// grouping and listing dominated rebuilds.
    let dropsByCreator: [String: [Int]]
    let dropsByTag: [String: [Int]]
    /// Public drops in opening order, computed once: every listing starts from it.
    let visible: [Drop]
    /// Each public drop's card (its summary in listings) by slug, built once when first needed:
    /// a drop appears in the archive, its tags, its creator's page and the home and schedule pages.
    private let cards = Memo<String, TemplateValue>()
    /// Each drop's share text, by its file's cache key and state (see `shareText(_:)`).
    let shareTexts = Memo<String, String>()
    /// What each public drop's page, card and calendar are made of, as one digest by slug (see
    /// `inputs(of:)`): pages listing drops are fingerprinted from these without being built.
    private(set) var dropInputs: [String: String]
    /// The same, by position in `visible`.
    private(set) var visibleInputs: [String]
    /// The site-wide values every page reads (the `site` context), as a digest.
    private(set) var globals: String
    /// Tags with their drop counts, as the archive pages show them.
    let tagCounts: TemplateValue
    /// Every drop time formatted once; a drop appears on many listing pages.
    private let times: [Date: TimeText]
    /// When the site last changed state (the latest opening, closing or archiving that has
    /// passed), or the build clock before any: the calendars' DTSTAMP. Unlike the clock itself it
    /// holds still between transitions, so calendar files are rewritten (and re-published) only
    /// when something in them can have changed.
    let siteUpdated: Date
    /// The site's host, for calendar entries' UIDs.
    let calendarHost: String

    struct TimeText: Sendable {
        var local, iso: String
        /// What templates read: `local`, `day`, `clock`, `iso` and `utc`.
        var value: TemplateValue

        init(_ date: Date, clock: LocalClock) {
            local = clock.display(date)
            iso = clock.iso(date)
            value = ["local": .string(local), "day": .string(clock.day(date)), "clock": .string(clock.time(date)), "iso": .string(iso),
                     "utc": .string(RFC3339.format(date))]
        }
    }

    init(site: Site) {
        self.site = site
        self.clock = LocalClock(timeZone: site.config.timeZone)
        calendarHost = URL(string: site.config.baseURL)?.host ?? "dropgen"
        let visible = site.publicDrops
        self.visible = visible
        let clock = self.clock
        var dates: Set<Date> = []
        for drop in visible {
            for date in [drop.opens, drop.closes, drop.priceUntil, drop.earlyAccess?.opens] { if let date { dates.insert(date) } }
        }
        self.times = Dictionary(uniqueKeysWithValues: concurrentlyMapped(Array(dates)) { ($0, TimeText($0, clock: clock)) })
        siteUpdated = visible.compactMap {
            $0.transitions(archiveAfterDays: site.config.archiveAfterDays).filter { $0 <= site.now }.max()
        }.max() ?? site.now
        var byCreator: [String: [Int]] = [:], byTag: [String: [Int]] = [:]
        for index in visible.indices {
            byCreator[visible[index].creatorID, default: []].append(index)
            for tag in visible[index].tags { byTag[tag, default: []].append(index) }
        }
        dropsByCreator = byCreator
        dropsByTag = byTag
        tagCounts = .list(byTag.keys.sorted().map { ["name": .string($0), "url": .string("/tags/\($0)/"), "count": .int(byTag[$0]!.count)] })
        dropInputs = [:]
        visibleInputs = []
        globals = ""
        globals = siteContext.digest()
        // A digest per drop, on every core: this runs before every build, over the whole site.
        let snapshot = self
        visibleInputs = concurrentlyMapped(visible) { snapshot.inputs(of: $0) }
        dropInputs = Dictionary(visible.indices.map { (visible[$0].slug, visibleInputs[$0]) }, uniquingKeysWith: { a, _ in a })
    }

    /// The drops at these positions of `visible`.
    func drops<Positions: Sequence<Int>>(_ positions: Positions) -> [Drop] { positions.map { visible[$0] } }

    /// The inputs of the drops at these positions of `visible`, for a listing's fingerprint.
    func listedInputs<Positions: Sequence<Int>>(_ positions: Positions) -> TemplateValue {
        .list(positions.map { .string(visibleInputs[$0]) })
    }

    /// Everything a drop's own page, its card and its calendar read besides the site-wide values:
    /// its file (path and bytes), its state at the build clock, its planned media, what it shows
    /// of its maker, policy, early-access badges and featuring events, what of it is still to
    /// come (calendar entries), and its stock when the stock ledger sets it. Two builds with equal inputs render equal bytes for it.
    func inputs(of drop: Drop) -> String {
        var parts: [TemplateValue] = [.string(drop.source), .string(drop.state.rawValue)]
        if let hero = drop.hero {
            parts += [heroContext(hero), .list((hero.posters + [hero.ogImage]).map { image($0) })]
        }
        parts.append(.list(drop.images.map { [still($0), .list($0.variants.map { image($0) })] }))
        if let creator = site.creator(drop.creatorID) {
            parts += [.string(creator.id), .string(creator.name), .string(creator.location ?? "")]
        }
        if let policy = drop.policyID.flatMap(site.policy) {
            parts += [.string(policy.title), .string(policy.path), .string(policy.promise)]
        }
        for badge in (drop.earlyAccess?.badges ?? []).compactMap(site.badge) { parts += [.string(badge.name), .string(badge.path)] }
        for event in site.events where event.drops.contains(drop.slug) && event.ends > site.now {
            parts += [.string(event.title), .string(event.path), .string(span(event.starts, event.ends))]
        }
        parts += [.bool(hasOpeningEvent(drop)), .list(drop.pickup.map { .bool($0.ends > site.now) })]
        // The ledger's stock, which the file's bytes no longer decide (its time is in the live files only).
        if site.stock?.entry(for: drop.slug) != nil { parts += [.string("stock"), .int(drop.remaining ?? -1)] }
        return TemplateValue.list(parts).digest()
    }

    private func image(_ ref: ImageRef) -> TemplateValue {
        [.string(ref.path), .int(ref.width), .int(ref.height), .string(ref.contentType)]
    }

    var siteContext: TemplateValue {
        let config = site.config
        return [
            "title": .string(config.title), "description": .string(config.description), "base_url": .string(config.baseURL),
            "currency": .string(config.currency), "locale": .string(config.locale), "timezone": .string(config.timeZone.identifier),
            "has_badges": .bool(!site.badges.isEmpty),
        ]
    }

    /// The page frame shared by every template: canonical URL, description, social tags.
    func page(title: String, path: String, description: String, type: String = "website", image: ImageRef? = nil,
              jsonLD: JSONValue? = nil) -> TemplateValue {
        var page: TemplateValue = [
            "title": .string(title), "path": .string(path), "canonical": .string(site.config.absoluteURL(path)),
            "description": .string(description.isEmpty ? site.config.description : description), "og_type": .string(type),
        ]
        if let image {
            page["og_image"] = .string(site.config.absoluteURL("/" + image.path))
            page["og_image_width"] = .int(image.width)
            page["og_image_height"] = .int(image.height)
        }
        if let jsonLD { page["json_ld"] = .string(JSONText.encode(jsonLD)) }
        return page
    }

    // MARK: drops

    /// A drop's card, or with `full` everything its own page shows; with `holder` too, what a
    /// badge holder's personal page shows (`AccessPage`): the holders' checkout.
    func drop(_ drop: Drop, full: Bool = false, holder: Bool = false) -> TemplateValue {
        full ? makeDrop(drop, full: true, holder: holder) : cards.value(for: drop.slug) { makeDrop(drop, full: false, holder: false) }
    }

    /// The holders' checkout of a drop with early access: its own, else the drop's.
    static func earlyAccessURL(_ drop: Drop) -> String? {
        drop.earlyAccess.map { $0.buyURL ?? drop.buyURL } ?? nil
    }

    /// The checkout a public page may name: the drop's, except while early access is open or to
    /// come and the holders check out at that same link (it would let anyone in early).
    func publicBuyURL(_ drop: Drop) -> String? {
        guard let access = drop.earlyAccess, access.buyURL == nil else { return drop.buyURL }
        let everyone = drop.state != .scheduled && drop.state != .earlyAccess && (drop.opens.map { $0 <= site.now } ?? true)
        return everyone ? drop.buyURL : nil
    }

    private func makeDrop(_ drop: Drop, full: Bool, holder: Bool) -> TemplateValue {
        let currency = site.config.currency
        let publicURL = publicBuyURL(drop)
        let canBuy = holder ? drop.state == .earlyAccess && Self.earlyAccessURL(drop) != nil : drop.state == .live && publicURL != nil
        var context: [String: TemplateValue] = [
            "slug": .string(drop.slug), "url": .string(drop.path), "permalink": .string(site.config.absoluteURL(drop.path)),
            "title": .string(drop.title), "summary": .string(drop.summary), "state": .string(drop.state.rawValue),
            "state_label": .string(drop.state.label), "is_\(drop.state.rawValue)": true, "can_buy": .bool(canBuy),
        ]
        if let creator = site.creator(drop.creatorID) {
            context["creator"] = ["id": .string(creator.id), "name": .string(creator.name), "url": .string(creator.path),
                                  "location": .string(creator.location ?? "")]
        }
        if let price = drop.price {
            context["price"] = .string(price.formatted(currency: currency))
            context["price_amount"] = .string(price.description)
            if let anchor = drop.compareAt, anchor > price {
                context["compare_at"] = .string(anchor.formatted(currency: currency))
                context["compare_at_amount"] = .string(anchor.description)
            }
        }
        if let until = drop.priceUntil { context["price_until"] = time(until) }
        if let scarcity = scarcity(drop) { context["scarcity"] = .string(scarcity) }
        if let edition = drop.edition { context["edition"] = .int(edition) }
        if let remaining = drop.remaining { context["remaining"] = .int(remaining) }
        if let limit = drop.perCustomerLimit { context["per_customer_limit"] = .int(limit) }
        if let opens = drop.opens { context["opens"] = time(opens) }
        if let closes = drop.closes { context["closes"] = time(closes) }
        if let poster = drop.hero?.posters.last ?? drop.images.first?.variants.first {
            context["thumbnail"] = ["src": .string("/" + poster.path), "width": .int(poster.width), "height": .int(poster.height)]
        }
        guard full else { return .object(context) }
        context.reserveCapacity(context.count + 16)

        context["body"] = .string(drop.bodyHTML)
        if holder {
            // The holders' checkout, which no public page names; the live script shows it when
            // the window opens (`data-early-href`) and switches to the drop's at the opening.
            if let early = Self.earlyAccessURL(drop) {
                if drop.state == .earlyAccess { context["buy_url"] = .string(early) }
                context["early_buy_url"] = .string(early)
            }
            if let live = drop.buyURL ?? Self.earlyAccessURL(drop) { context["live_buy_url"] = .string(live) }
            context["access"] = true
        } else if let publicURL {
            context["buy_url"] = .string(publicURL)
            // The checkout once the drop is live: the live script enables it at the opening.
            context["live_buy_url"] = .string(publicURL)
        }
        if let access = drop.earlyAccess {
            var early: TemplateValue = [
                "opens": time(access.opens), "is_open": .bool(drop.state == .earlyAccess),
                "badges": .list(access.badges.compactMap { site.badge($0) }.map { ["name": .string($0.name), "url": .string($0.path)] }),
            ]
            if let opens = drop.opens { early["until"] = time(opens) }
            context["early_access"] = early
        }
        context["pickup"] = .list(drop.pickup.map(pickup))
        context["has_pickup"] = .bool(!drop.pickup.isEmpty)
        context["has_images"] = .bool(!drop.images.isEmpty)
        context["has_tags"] = .bool(!drop.tags.isEmpty)
        if let policy = drop.policyID.flatMap(site.policy) {
            context["policy"] = ["title": .string(policy.title), "url": .string(policy.path), "promise": .string(policy.promise)]
        }
        context["tags"] = .list(drop.tags.map { ["name": .string($0), "url": .string("/tags/\($0)/")] })
        if hasCalendar(drop) { context["calendar"] = .string("\(drop.path)drop.ics") }
        context["share_text"] = .string(shareText(drop))
        let featured = site.events.filter { $0.drops.contains(drop.slug) && $0.ends > site.now }
        context["events"] = .list(featured.map { ["title": .string($0.title), "url": .string($0.path), "when": .string(span($0.starts, $0.ends))] })
        if let hero = drop.hero { context["hero"] = heroContext(hero) }
        context["images"] = .list(drop.images.map(still))
        return .object(context)
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

    /// `2026-12-04T18:00:00+01:00`, formatted once per instant.
    func iso(_ date: Date) -> String { times[date]?.iso ?? clock.iso(date) }

    /// `Fri 4 Dec 2026, 18:00`, formatted once per instant.
    func display(_ date: Date) -> String { times[date]?.local ?? clock.display(date) }

    func time(_ date: Date) -> TemplateValue { (times[date] ?? TimeText(date, clock: clock)).value }

    func pickup(_ window: PickupWindow) -> TemplateValue {
        var context: TemplateValue = ["location": .string(window.location), "starts": time(window.starts), "ends": time(window.ends)]
        if let address = window.address { context["address"] = .string(address) }
        context["when"] = .string(span(window.starts, window.ends))
        return context
    }

    /// Same-day spans read "Sat 5 Dec 2026, 10:00–14:00".
    func span(_ starts: Date, _ ends: Date) -> String {
        clock.dayKey(starts) == clock.dayKey(ends)
            ? "\(clock.display(starts))–\(clock.time(ends))"
            : "\(clock.display(starts)) – \(clock.display(ends))"
    }

    func heroContext(_ hero: HeroMedia) -> TemplateValue {
        let poster = hero.posters.first
        let width = hero.clips.first?.width ?? poster?.width ?? 0, height = hero.clips.first?.height ?? poster?.height ?? 0
        return [
            "alt": .string(hero.alt),
            "sources": .list(hero.clips.map { ["src": .string("/" + $0.path), "type": .string($0.contentType)] }),
            "poster": .string(poster.map { "/" + $0.path } ?? ""),
            "poster_srcset": .string(hero.posters.map { "/\($0.path) \($0.width)w" }.joined(separator: ", ")),
            // The clip's own size, so the page reserves its box (no layout shift); a phone held
            // upright gets a narrower box instead of a 16:9 crop.
            "width": .int(width), "height": .int(height), "portrait": .bool(height > width),
        ]
    }

    func still(_ still: StillMedia) -> TemplateValue {
        let largest = still.variants.last
        return [
            "alt": .string(still.alt), "src": .string(largest.map { "/" + $0.path } ?? ""),
            "srcset": .string(still.variants.map { "/\($0.path) \($0.width)w" }.joined(separator: ", ")),
            "width": .int(still.width), "height": .int(still.height), "placeholder": .string(still.placeholder),
        ]
    }

    // MARK: lists

    func dropList<Drops: Sequence<Drop>>(_ drops: Drops) -> TemplateValue { .list(drops.map { drop($0) }) }

    /// A maker's card, or with `full` their page; `listingDrops: false` leaves out their drops.
    func creator(_ creator: Creator, full: Bool = false, listingDrops: Bool = true) -> TemplateValue {
        var context: TemplateValue = [
            "id": .string(creator.id), "name": .string(creator.name), "url": .string(creator.path),
            "location": .string(creator.location ?? ""), "summary": .string(creator.summary),
            "badges": .list(badges(of: creator).map { badge -> TemplateValue in
                var entry: TemplateValue = ["name": .string(badge.name), "url": .string(badge.path), "icon": .string(badge.icon ?? "")]
                if let figure = badge.figures[creator.id] { entry["figure"] = .string(figure.text) }
                return entry
            }),
        ]
        if let avatar = creator.avatar { context["avatar"] = still(avatar) }
        if full {
            context["bio"] = .string(creator.bioHTML)
            context["links"] = .list(creator.links.map { ["label": .string($0.label), "url": .string($0.url)] })
            // Everything above is the profile; the creator page's fingerprint reads it up to here.
            guard listingDrops else { return context }
            let positions = dropsByCreator[creator.id] ?? []
            context["drops"] = dropList(drops(positions.reversed()))
            context["drop_count"] = .int(positions.count)
        }
        return context
    }

    /// Holders of a badge: creators by name and link; buyers only as a count (never named here).
    func badge(_ badge: Badge, full: Bool = false) -> TemplateValue {
        var context: TemplateValue = [
            "id": .string(badge.id), "name": .string(badge.name), "url": .string(badge.path), "icon": .string(badge.icon ?? ""),
            "criteria": .string(badge.criteria), "for": .string(badge.audience.rawValue), "for_buyers": .bool(badge.audience == .buyer),
        ]
        if let rule = badge.rule { context["rule"] = .string(rule.explanation) }
        let creators = holders(of: badge)
        context["holder_count"] = .int(badge.audience == .creator ? creators.count : badge.holders.count)
        context["holders"] = .list(creators.map { creator -> TemplateValue in
            var entry: TemplateValue = ["name": .string(creator.name), "url": .string(creator.path)]
            if let figure = badge.figures[creator.id] { entry["figure"] = .string(figure.text) }
            return entry
        })
        if full {
            context["body"] = .string(badge.bodyHTML)
            // Buyers are named only when they opted in; the rest appear in the count alone.
            let named = badge.holders.compactMap { site.buyers[$0] }.filter(\.isPublic).map(\.displayName).sorted()
            context["named_buyers"] = .list(named.map { ["name": .string($0)] })
            context["unnamed_buyer_count"] = .int(badge.audience == .buyer ? badge.holders.count - named.count : 0)
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

    func event(_ event: Event) -> TemplateValue {
        var context: TemplateValue = [
            "id": .string(event.id), "title": .string(event.title), "url": .string(event.path), "location": .string(event.location),
            "when": .string(span(event.starts, event.ends)), "starts": time(event.starts), "ends": time(event.ends),
            "body": .string(event.bodyHTML),
            "drops": dropList(event.drops.compactMap { slug in visible.first { $0.slug == slug } }),
        ]
        if let address = event.address { context["address"] = .string(address) }
        return context
    }

    /// The next cadence slots with the drops opening on each slot's day; free slots read "coming soon".
    func schedule(slotCount: Int = 6) -> [String: TemplateValue] {
        let upcoming = drops(visible.indices.filter { visible[$0].state == .scheduled || visible[$0].state == .earlyAccess })
        guard let cadence = site.config.cadence else { return ["upcoming": dropList(upcoming)] }
        let slots = cadence.slots(after: site.now.addingTimeInterval(-1), count: slotCount, in: site.config.timeZone)
        var assigned: Set<String> = []
        let slotContexts: [TemplateValue] = slots.map { slot in
            let drops = upcoming.filter { $0.opens.map { clock.dayKey($0) == clock.dayKey(slot) } ?? false }
            assigned.formUnion(drops.map(\.slug))
            return ["time": time(slot), "drops": dropList(drops), "empty": .bool(drops.isEmpty)]
        }
        return ["slots": .list(slotContexts), "other": dropList(upcoming.filter { !assigned.contains($0.slug) }), "has_cadence": true]
    }

    /// Upcoming pickup windows and events, by local day and then location.
    func pickupDays() -> TemplateValue {
        struct Entry { var day: String; var starts: Date; var location: String; var context: TemplateValue }
        var entries: [Entry] = []
        for drop in visible {
            for window in drop.pickup where window.ends > site.now {
                var context = pickup(window)
                context["drop"] = ["title": .string(drop.title), "url": .string(drop.path)]
                entries.append(Entry(day: clock.dayKey(window.starts), starts: window.starts, location: window.location, context: context))
            }
        }
        for event in site.events where event.ends > site.now {
            var context: TemplateValue = ["location": .string(event.location), "when": .string(span(event.starts, event.ends)),
                                          "starts": time(event.starts)]
            if let address = event.address { context["address"] = .string(address) }
            context["event"] = ["title": .string(event.title), "url": .string(event.path)]
            entries.append(Entry(day: clock.dayKey(event.starts), starts: event.starts, location: event.location, context: context))
        }
        entries.sort { ($0.day, $0.location, $0.starts) < ($1.day, $1.location, $1.starts) }
        let byDay = Dictionary(grouping: entries, by: \.day)
        return .list(byDay.keys.sorted().map { day in
            let items = byDay[day]!
            return ["day": .string(clock.day(items[0].starts)), "items": .list(items.map(\.context))]
        })
    }

    func policy(_ policy: Policy) -> TemplateValue {
        ["id": .string(policy.id), "title": .string(policy.title), "url": .string(policy.path), "summary": .string(policy.summary ?? ""),
         "promise": .string(policy.promise), "body": .string(policy.bodyHTML)]
    }
}
