import Foundation
import MediaPipeline
import SiteManifest
import SiteSource

extension Site {
    static let dropKeys = ["title", "creator", "slug", "aliases", "price", "compare_at", "price_until", "edition", "remaining",
                           "per_customer_limit", "opens", "closes", "status", "early_access", "hero", "images", "pickup",
                           "policy", "tags", "buy_url"]
    static let creatorKeys = ["name", "location", "links", "badges", "avatar"]
    static let badgeKeys = ["name", "for", "icon", "criteria", "holders", "rule"]
    static let eventKeys = ["title", "location", "address", "starts", "ends", "drops"]
    static let policyKeys = ["title", "summary", "refund_days", "dispute_response_hours"]

    /// Reads and checks the whole site. Every problem found is reported together.
    /// Without `planMedia`, media references are checked for existence only (no probing), and
    /// drops carry no media: enough for questions about the schedule.
    /// With a `cache`, drop files parsed before are taken from it, and it is left holding exactly
    /// this site's drop files.
    public static func load(root: URL, now: Date, media: MediaPipeline? = nil, planMedia: Bool = true,
                            cache: ContentCache? = nil) async throws(BuildFailed) -> (Site, [MediaJob]) {
        let root = root.standardizedFileURL
        var log = DiagnosticLog()
        guard let config = SiteConfig.load(root: root, log: &log) else { throw BuildFailed(log) }
        var files = ContentFiles.list(root: root)
        for path in files.leaving { log.add(Diagnostic(file: path, message: SiteFolder.leavesMessage)) }
        // Makers, badges, policies and events take their URL from their file name.
        func named(_ paths: [String]) -> [String] {
            paths.filter { path in
                guard let unsafe = LineSafe.firstUnsafe(in: id(of: path)) else { return true }
                log.add(Diagnostic(file: path, message: "the file name \(LineSafe.unsafeMessage(unsafe)); rename the file"))
                return false
            }
        }
        files.creators = named(files.creators)
        files.badges = named(files.badges)
        files.policies = named(files.policies)
        files.events = named(files.events)
        let media = media ?? MediaPipeline(siteRoot: root, options: config.media)

        // Many small chunks: the last one to finish holds up everything after loading.
        async let parsedDrops = concurrentMap(chunked(files.drops, into: ProcessInfo.processInfo.activeProcessorCount * 16)) { chunk in
            let rootPath = root.path
            return chunk.map { DropLoader.load($0, root: root, rootPath: rootPath, now: now, config: config, cache: cache) }
        }
        var creators: [Creator] = [], badges: [Badge] = [], policies: [Policy] = [], events: [Event] = []
        var avatarRequests: [(Int, StillRequest, String)] = []
        for path in files.creators {
            guard let file = read(path, root: root, log: &log) else { continue }
            if let (creator, avatar) = loadCreator(file, root: root, log: &log) {
                if let avatar { avatarRequests.append((creators.count, avatar, creator.name)) }
                creators.append(creator)
            }
        }
        for path in files.badges {
            if let file = read(path, root: root, log: &log), let badge = loadBadge(file, log: &log) { badges.append(badge) }
        }
        for path in files.policies {
            if let file = read(path, root: root, log: &log), let policy = loadPolicy(file, log: &log) { policies.append(policy) }
        }
        for path in files.events {
            if let file = read(path, root: root, log: &log), let event = loadEvent(file, log: &log) { events.append(event) }
        }
        let data = MarketData.load(root: root, log: &log)
        computeBadges(&badges, data: data, creators: creators, now: now, log: &log)
        var loaded: [DropLoader.Loaded] = []
        var current: [String: DropLoader.Loaded] = [:], parsed = 0
        current.reserveCapacity(files.drops.count)
        loaded.reserveCapacity(files.drops.count)
        for result in await parsedDrops.joined() {
            log.add(contentsOf: result.diagnostics)
            if !result.fromCache { parsed += 1 }
            if let drop = result.loaded {
                loaded.append(drop)
                if let key = result.cacheKey { current[key] = drop }
            }
        }
        cache?.replace(with: current, parsed: parsed)
        checkReferences(drops: loaded.map(\.drop), creators: creators, badges: badges, policies: policies, log: &log)
        let slugs = Set(loaded.map(\.drop.slug))
        for event in events {
            for slug in event.drops where !slugs.contains(slug) {
                var message = "no drop with slug `\(slug)`"
                message += Suggestion.didYouMean(slug, among: Array(slugs))
                log.add(Diagnostic(file: event.file, key: "drops", message: message))
            }
        }
        let staticFiles = StaticFiles.load(root: root, log: &log)
        let templates = Templates.sources(root: root, log: &log)
        try log.throwIfAny()

        // Media is planned only for a site that is otherwise valid: probing costs a process each.
        // It needs ffprobe and ffmpeg, looked for only when the site has media (one error, at
        // its first reference).
        if planMedia, case let missing = MediaTools.missing(), !missing.isEmpty {
            let sources = loaded.flatMap { [$0.hero?.source].compactMap { $0 } + $0.images.map(\.request.source) }
                + avatarRequests.map(\.1.source)
            if let first = sources.first {
                throw BuildFailed([Diagnostic(file: first.file, line: first.line, column: first.column, key: first.key,
                                              message: MediaTools.missingMessage(missing, mediaCount: sources.count))])
            }
        }
        var jobs: [MediaJob] = []
        let planned = !planMedia ? [] : await concurrentMap(chunked(loaded, into: ProcessInfo.processInfo.activeProcessorCount * 8)) { chunk in
            chunk.map { MediaPlanning.plan($0, media: media) }
        }.flatMap { $0 }
        for (index, result) in planned.enumerated() {
            switch result {
            case .success(let (hero, images, itemJobs)):
                // A drop without media is left alone: its fields are shared with the cache, and
                // setting them would copy them.
                if hero != nil || !images.isEmpty {
                    loaded[index].drop.hero = hero
                    loaded[index].drop.images = images
                }
                jobs += itemJobs
            case .failure(let failure):
                log.add(contentsOf: failure)
            }
        }
        let avatars = !planMedia ? [] : await concurrentMap(avatarRequests) { index, request, alt in
            (index, MediaPlanning.still(request, alt: alt, media: media))
        }
        for (index, result) in avatars {
            switch result {
            case .success(let (still, stillJobs)):
                creators[index].avatar = still
                jobs += stillJobs
            case .failure(let diagnostic): log.add(diagnostic)
            }
        }
        try log.throwIfAny()

        let drops = loaded.map(\.drop).sorted {
            ($0.opens ?? .distantPast, $0.slug) < ($1.opens ?? .distantPast, $1.slug)
        }
        let site = Site(root: root, config: config, now: now, drops: drops, creators: creators.sorted { $0.id < $1.id },
                        badges: badges.sorted { $0.id < $1.id }, policies: policies.sorted { $0.id < $1.id },
                        events: events.sorted { ($0.starts, $0.id) < ($1.starts, $1.id) }, buyers: data.buyers,
                        staticFiles: staticFiles, templates: templates)
        return (site, jobs)
    }

    private static func read(_ path: String, root: URL, log: inout DiagnosticLog) -> SourceFile? {
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(path).path) else {
            log.add(Diagnostic(file: path, message: "cannot be read"))
            return nil
        }
        return SourceFile.parse(data, path: path, log: &log)
    }

    static func id(of path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    private static func loadCreator(_ file: SourceFile, root: URL, log: inout DiagnosticLog) -> (Creator, StillRequest?)? {
        let fields = file.frontMatter
        let before = log.count
        fields.checkKeys(known: creatorKeys, required: ["name"], log: &log)
        let name = fields.nonEmptyString("name", log: &log) ?? ""
        var links: [Creator.Link] = []
        if let node = fields.node("links") {
            if let sequence = node.sequence {
                for (index, item) in sequence.enumerated() {
                    let key = "links[\(index)]"
                    if let url = item.scalar?.string {
                        if checkURL(url, key: key, fields: fields, at: item, log: &log) {
                            links.append(Creator.Link(label: URL(string: url)?.host ?? url, url: url))
                        }
                    } else if let map = YAMLFields.mapping(item, source: fields.source, path: fields.keyPath(key), log: &log) {
                        map.checkKeys(known: ["label", "url"], required: ["label", "url"], log: &log)
                        if let label = map.nonEmptyString("label", log: &log), let url = map.string("url", log: &log),
                           checkURL(url, key: map.keyPath("url"), fields: fields, at: map.node("url"), log: &log) {
                            links.append(Creator.Link(label: label, url: url))
                        }
                    }
                }
            } else {
                log.add(fields.diagnostic("links", "expected a list of URLs or { label, url } entries"))
            }
        }
        var avatar: StillRequest?
        if let src = fields.nonEmptyString("avatar", log: &log) {
            let source = MediaSource(file: file.path, line: fields.line(of: "avatar"), column: fields.column(of: "avatar"), key: "avatar")
            if let url = MediaPaths.resolve(src, from: file.path, root: root, source: source, log: &log) {
                avatar = StillRequest(source: source, image: url)
            }
        }
        guard log.count == before else { return nil }
        let bio = Markdown.htmlAndSummary(file.body)
        let creator = Creator(id: id(of: file.path), file: file.path, name: name, location: fields.string("location", log: &log),
                              links: links, badges: fields.stringList("badges", log: &log), avatar: nil,
                              bioHTML: bio.html, summary: bio.summary)
        return (creator, avatar)
    }

    private static func loadBadge(_ file: SourceFile, log: inout DiagnosticLog) -> Badge? {
        let fields = file.frontMatter
        let before = log.count
        fields.checkKeys(known: badgeKeys, required: ["name", "for", "criteria"], log: &log)
        let name = fields.nonEmptyString("name", log: &log) ?? ""
        let audienceText = fields.string("for", log: &log) ?? ""
        let audience = Badge.Audience(rawValue: audienceText)
        if fields.has("for"), audience == nil {
            log.add(fields.diagnostic("for", "expected `creator` or `buyer`, got \"\(audienceText)\""))
        }
        let criteria = fields.nonEmptyString("criteria", log: &log) ?? ""
        let holders = fields.stringList("holders", log: &log)
        var rule: BadgeRule?
        if let ruleFields = fields.fields("rule", log: &log) {
            rule = BadgeRule.parse(ruleFields, audience: audience, log: &log)
            if fields.has("holders") {
                log.add(fields.diagnostic("holders", "a badge lists `holders` or computes them with `rule`, not both"))
            }
        }
        guard log.count == before, let audience else { return nil }
        var badge = Badge(id: id(of: file.path), file: file.path, name: name, audience: audience,
                          icon: fields.string("icon", log: &log), criteria: criteria, holders: holders.sorted(), rule: rule,
                          bodyHTML: Markdown.html(file.body))
        badge.lines = ["rule": fields.line(of: "rule")].compactMapValues { $0 }
        return badge
    }

    /// Holders of rule badges, from the data exports at the build clock.
    private static func computeBadges(_ badges: inout [Badge], data: MarketData, creators: [Creator], now: Date, log: inout DiagnosticLog) {
        let creatorIDs = Set(creators.map(\.id))
        for index in badges.indices {
            guard let rule = badges[index].rule else { continue }
            var needed = [MarketData.ordersFile]
            if rule.metric == .disputeFirstResponseHoursMedian { needed.append(MarketData.disputesFile) }
            let missing = needed.filter { !data.files.contains($0) }
            guard missing.isEmpty else {
                log.add(Diagnostic(file: badges[index].file, line: badges[index].lines["rule"], key: "rule.metric",
                                   message: "`\(rule.metric.rawValue)` is computed from \(missing.joined(separator: " and ")), which does not exist"))
                continue
            }
            let figures = rule.evaluate(data, now: now)
                .filter { $0.value.qualifies && (badges[index].audience == .buyer || creatorIDs.contains($0.key)) }
            badges[index].holders = figures.keys.sorted()
            badges[index].figures = figures
        }
    }

    private static func loadEvent(_ file: SourceFile, log: inout DiagnosticLog) -> Event? {
        let fields = file.frontMatter
        let before = log.count
        fields.checkKeys(known: eventKeys, required: ["title", "location", "starts", "ends"], log: &log)
        let title = fields.nonEmptyString("title", log: &log) ?? ""
        let location = fields.nonEmptyString("location", log: &log) ?? ""
        let starts = fields.timestamp("starts", log: &log), ends = fields.timestamp("ends", log: &log)
        if let starts, let ends, ends <= starts {
            log.add(fields.diagnostic("ends", "must be after starts (\(RFC3339.format(starts)))"))
        }
        let drops = fields.stringList("drops", log: &log)
        guard log.count == before, let starts, let ends else { return nil }
        let body = Markdown.htmlAndSummary(file.body)
        return Event(id: id(of: file.path), file: file.path, title: title, location: location,
                     address: fields.string("address", log: &log), starts: starts, ends: ends, drops: drops,
                     bodyHTML: body.html, summary: body.summary)
    }

    private static func loadPolicy(_ file: SourceFile, log: inout DiagnosticLog) -> Policy? {
        let fields = file.frontMatter
        let before = log.count
        fields.checkKeys(known: policyKeys, required: ["title", "dispute_response_hours"], log: &log)
        let title = fields.nonEmptyString("title", log: &log) ?? ""
        let hours = fields.int("dispute_response_hours", min: 1, log: &log)
        let refundDays = fields.int("refund_days", min: 0, log: &log)
        guard log.count == before, let hours else { return nil }
        return Policy(id: id(of: file.path), file: file.path, title: title, summary: fields.string("summary", log: &log),
                      refundDays: refundDays, disputeResponseHours: hours, bodyHTML: Markdown.html(file.body))
    }

    /// `node`, when given, is the value's own node: errors name its line and column.
    static func checkURL(_ url: String, key: String, fields: YAMLFields, at node: YAMLNode? = nil, log: inout DiagnosticLog) -> Bool {
        func fail(_ message: String) -> Bool {
            let line = node?.mark.map { $0.line + fields.source.lineOffset }
                ?? fields.line(of: String(key.prefix { $0 != "." && $0 != "[" })) ?? fields.line
            log.add(Diagnostic(file: fields.source.file, line: line, column: node?.mark?.column, key: key, message: message))
            return false
        }
        if let unsafe = LineSafe.firstUnsafe(in: url) { return fail(LineSafe.unsafeMessage(unsafe)) }
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:"), URL(string: url) != nil else {
            return fail("expected an absolute https:// URL, got \"\(url)\"")
        }
        return true
    }

    /// Links between files: creators, policies and badges named by drops and creators must exist.
    static func checkReferences(drops: [Drop], creators: [Creator], badges: [Badge], policies: [Policy], log: inout DiagnosticLog) {
        let creatorIDs = creators.map(\.id), policyIDs = policies.map(\.id), badgeIDs = badges.map(\.id)
        let knownCreators = Set(creatorIDs), knownPolicies = Set(policyIDs), knownBadges = Set(badgeIDs)
        func missing(_ kind: String, _ id: String, folder: String, known: [String]) -> String {
            var message = "no \(kind) `\(id)` in content/\(folder)/"
            message += Suggestion.didYouMean(id, among: known)
            return message
        }
        var slugOwners: [String: String] = [:]
        var aliasOwners: [String: String] = [:]
        let byFile = drops.sorted(by: { $0.file < $1.file })
        for drop in byFile {
            let located = { (key: String, message: String) in
                Diagnostic(file: drop.file, line: drop.lines[String(key.prefix { $0 != "." })], key: key, message: message)
            }
            if !knownCreators.contains(drop.creatorID) {
                log.add(located("creator", missing("creator", drop.creatorID, folder: "creators", known: creatorIDs)))
            }
            if let policy = drop.policyID, !knownPolicies.contains(policy) {
                log.add(located("policy", missing("policy", policy, folder: "policies", known: policyIDs)))
            }
            for badge in drop.earlyAccess?.badges ?? [] where !knownBadges.contains(badge) {
                log.add(located("early_access.badges", missing("badge", badge, folder: "badges", known: badgeIDs)))
            }
            if let other = slugOwners[drop.slug] {
                log.add(located("slug", "`\(drop.slug)` is also the slug of \(other); each drop needs its own"))
            } else {
                slugOwners[drop.slug] = drop.file
            }
            for alias in drop.aliases {
                if let other = aliasOwners[alias] {
                    log.add(located("aliases", "`\(alias)` is also an alias in \(other)"))
                } else {
                    aliasOwners[alias] = drop.file
                }
            }
        }
        // An alias over a drop's page, or any other output, is refused where every output is
        // known (`ReservedPaths`).
        for creator in creators {
            for badge in creator.badges {
                guard let found = badges.first(where: { $0.id == badge }) else {
                    log.add(Diagnostic(file: creator.file, key: "badges", message: missing("badge", badge, folder: "badges", known: badgeIDs)))
                    continue
                }
                if found.rule != nil {
                    log.add(Diagnostic(file: creator.file, key: "badges", message: "`\(badge)` is computed from data and cannot be claimed; remove it here"))
                }
                if found.audience != .creator {
                    log.add(Diagnostic(file: creator.file, key: "badges", message: "`\(badge)` is a buyer badge; creators can hold only creator badges"))
                }
            }
        }
        for badge in badges where badge.audience == .creator {
            for holder in badge.holders where !creatorIDs.contains(holder) {
                log.add(Diagnostic(file: badge.file, key: "holders", message: missing("creator", holder, folder: "creators", known: creatorIDs)))
            }
        }
    }
}

/// The content files of a site, sorted, by kind.
struct ContentFiles {
    var drops: [String] = []
    var creators: [String] = []
    var badges: [String] = []
    var policies: [String] = []
    var events: [String] = []
    /// Folders and files that are symbolic links leaving the site: never read.
    var leaving: [String] = []

    static func list(root: URL) -> ContentFiles {
        var files = ContentFiles()
        let site = SiteFolder(root: root)
        if site.leaves(root.path + "/content") {
            files.leaving = ["content"]
            return files
        }
        files.drops = markdown(in: "content/drops", root: root, bundles: true, site: site, leaving: &files.leaving)
        files.creators = markdown(in: "content/creators", root: root, bundles: false, site: site, leaving: &files.leaving)
        files.badges = markdown(in: "content/badges", root: root, bundles: false, site: site, leaving: &files.leaving)
        files.policies = markdown(in: "content/policies", root: root, bundles: false, site: site, leaving: &files.leaving)
        files.events = markdown(in: "content/events", root: root, bundles: false, site: site, leaving: &files.leaving)
        files.leaving = Array(Set(files.leaving)).sorted()
        return files
    }

    /// `folder/*.md`, and with bundles also `folder/<slug>/index.md`.
    /// Listed with `readdir`, whose entry types spare a `stat` per file in folders of thousands.
    /// The folder is resolved once; only entries that are links themselves are resolved again
    /// (`SiteFolder`): those leaving the site go to `leaving`.
    static func markdown(in folder: String, root: URL, bundles: Bool, site: SiteFolder, leaving: inout [String]) -> [String] {
        let directory = root.path + "/" + folder
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        // `content/drops` itself may be a link.
        if site.leaves(directory) {
            leaving.append(folder)
            return []
        }
        var paths: [String] = []
        while let entry = readdir(handle) {
            let name = entryName(entry)
            guard !name.hasPrefix("."), !name.hasPrefix("_") else { continue }
            var type = entry.pointee.d_type
            let full = directory + "/" + name
            if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                var status = stat()
                guard stat(full, &status) == 0 else { continue }
                type = (status.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
                // A linked Markdown file or bundle that leaves the site is refused; any other
                // link (media beside a drop) is the media's business.
                if type == UInt8(DT_DIR) ? bundles : name.hasSuffix(".md"),
                   entry.pointee.d_type == UInt8(DT_LNK) || SiteFolder.isLink(full), site.leaves(full) {
                    leaving.append("\(folder)/\(name)")
                    continue
                }
            }
            if type == UInt8(DT_DIR) {
                guard bundles else { continue }
                let index = full + "/index.md"
                var status = stat()
                guard lstat(index, &status) == 0 else { continue }
                if (status.st_mode & S_IFMT) == S_IFLNK, site.leaves(index) {
                    leaving.append("\(folder)/\(name)/index.md")
                } else if access(index, F_OK) == 0 {
                    paths.append("\(folder)/\(name)/index.md")
                }
            } else if name.hasSuffix(".md") {
                paths.append("\(folder)/\(name)")
            }
        }
        return paths.sorted()
    }
}
