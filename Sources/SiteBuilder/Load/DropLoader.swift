import Crypto
import Foundation
import MediaPipeline
import SiteManifest
import SiteSource

/// Reads one drop file into a `Drop`, with its media requests still to be planned.
enum DropLoader {
    struct Loaded: Sendable, Codable {
        var drop: Drop
        var hero: HeroRequest?
        var heroAlt: String
        var images: [Image]

        struct Image: Sendable, Codable {
            var request: StillRequest
            var alt: String
        }
    }

    struct Result: Sendable {
        var loaded: Loaded?
        var diagnostics: DiagnosticLog
        /// The content-cache key of the file, when it could be read.
        var cacheKey: String?
        var fromCache = false
    }

    /// `rootPath` is `root.path`, when the caller has it: loading thousands of files, asking a
    /// URL for its path each time shows.
    static func load(_ path: String, root: URL, rootPath: String? = nil, now: Date, config: SiteConfig, cache: ContentCache?) -> Result {
        var log = DiagnosticLog()
        let rootPath = rootPath ?? root.path
        let full = rootPath + "/" + path
        var status = stat()
        let stamp = stat(full, &status) == 0 ? FileStamps.Stamp(status) : nil
        /// The cached parse under `key`, in its state at this build's clock.
        func cached(_ key: String) -> Result? {
            guard var loaded = cache?.reusable(key) else { return nil }
            loaded.drop.state = loaded.drop.state(at: now, archiveAfterDays: config.archiveAfterDays)
            return Result(loaded: loaded, diagnostics: [], cacheKey: key, fromCache: true)
        }
        if let stamp, let key = cache?.knownKey(path: path, stamp: stamp), let hit = cached(key) { return hit }
        guard let data = readFile(full, size: stamp?.size) else {
            return Result(loaded: nil, diagnostics: [Diagnostic(file: path, message: "cannot be read")])
        }
        let digest = SHA256.hash(data: data).hex
        cache?.read(path: path, digest: digest)
        let key = ContentCache.key(path: path, rootPath: rootPath, digest: digest)
        if let stamp { cache?.saw(path: path, stamp: stamp, key: key) }
        if let hit = cached(key) { return hit }
        guard let file = SourceFile.parse(data, path: path, log: &log) else { return Result(loaded: nil, diagnostics: log) }
        var loaded = parse(file, root: root, now: now, config: config, log: &log)
        loaded?.drop.source = key
        return Result(loaded: log.isEmpty ? loaded : nil, diagnostics: log, cacheKey: key)
    }

    static func defaultSlug(for path: String) -> String {
        // `folder/name.md` and `folder/name/index.md` with plain names need no URL; other names
        // keep URL's rules.
        if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) {
            let name = path[path.utf8.index(after: slash)...], folder = path[..<slash]
            let stem = name == "index.md" ? folder[(folder.utf8.lastIndex(of: UInt8(ascii: "/")).map { folder.utf8.index(after: $0) } ?? folder.startIndex)...]
                : name.hasSuffix(".md") ? name.dropLast(3) : ""
            if !stem.isEmpty && stem.utf8.allSatisfy({ isPlainNameByte($0) }) { return String(stem) }
        }
        let url = URL(fileURLWithPath: path)
        return url.lastPathComponent == "index.md" ? url.deletingLastPathComponent().lastPathComponent
            : url.deletingPathExtension().lastPathComponent
    }

    private static func isPlainNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    private static func parse(_ file: SourceFile, root: URL, now: Date, config: SiteConfig, log: inout DiagnosticLog) -> Loaded? {
        let fields = file.frontMatter
        fields.checkKeys(known: Site.dropKeys, required: ["title", "creator"], log: &log)
        let title = fields.nonEmptyString("title", log: &log) ?? ""
        let creator = fields.nonEmptyString("creator", log: &log) ?? ""

        let slug = fields.string("slug", log: &log) ?? defaultSlug(for: file.path)
        if !isSlug(slug) {
            log.add(fields.has("slug") ? fields.diagnostic("slug", "expected lowercase letters, digits and single dashes, got \"\(slug)\"")
                    : Diagnostic(file: file.path, key: "slug", message: "the file name gives the slug \"\(slug)\"; rename the file or set `slug:` with lowercase letters, digits and dashes"))
        }
        var aliases: [String] = []
        // Each alias's own line and column (`aliases[i]` in `lines`): an alias claiming a path the
        // site already uses is found when every output is known, and named there.
        var aliasMarks: [(line: Int, column: Int)?] = []
        let aliasNodes = fields.node("aliases").map { node in node.sequence.map { Array($0) } ?? [node] } ?? []
        let aliasItems = aliasNodes.filter { $0.scalar != nil }
        for (index, alias) in fields.stringList("aliases", log: &log).enumerated() {
            let node = index < aliasItems.count ? aliasItems[index] : nil
            if let unsafe = LineSafe.firstUnsafe(in: alias) {
                log.add(fields.diagnostic("aliases", "aliases[\(index)]: \(LineSafe.unsafeMessage(unsafe))", at: node))
            } else if let long = alias.split(separator: "/").first(where: { $0.utf8.count > Site.maxNameBytes }) {
                // Each segment becomes a folder (or the file) of the output.
                log.add(fields.diagnostic("aliases", "aliases[\(index)]: " + Site.nameTooLong("the segment", String(long)), at: node))
            } else if let normalized = normalizeAlias(alias) {
                aliases.append(normalized)
                aliasMarks.append(node?.mark.map { ($0.line + fields.source.lineOffset, $0.column) })
            } else {
                log.add(fields.diagnostic("aliases", "aliases[\(index)]: expected a site path such as /old-name/, got \"\(alias)\"", at: node))
            }
        }

        let price = fields.money("price", log: &log)
        let compareAt = fields.money("compare_at", log: &log)
        let edition = fields.int("edition", min: 1, log: &log)
        let remaining = fields.int("remaining", min: 0, log: &log)
        if let edition, let remaining, remaining > edition {
            log.add(fields.diagnostic("remaining", "is \(remaining), more than the edition of \(edition)"))
        }
        let limit = fields.int("per_customer_limit", min: 1, log: &log)
        let opens = fields.timestamp("opens", log: &log)
        let closes = fields.timestamp("closes", log: &log)
        if let opens, let closes, closes <= opens {
            log.add(fields.diagnostic("closes", "must be after opens (\(RFC3339.format(opens)))"))
        }

        var statusOverride: DropState?
        if let status = fields.string("status", log: &log) {
            statusOverride = DropState.overrides[status]
            if statusOverride == nil {
                var message = "expected one of draft, scheduled, live, sold_out, archived, got \"\(status)\""
                message += Suggestion.didYouMean(status, among: Array(DropState.overrides.keys))
                log.add(fields.diagnostic("status", message))
            }
        }

        var earlyAccess: EarlyAccess?
        var revokeLine: Int?
        if let access = fields.fields("early_access", log: &log) {
            revokeLine = access.line(of: "revoke")
            access.checkKeys(known: ["opens", "badges", "buy_url", "revoke"], required: ["opens", "badges"], log: &log)
            var accessURL: String?
            if let url = access.string("buy_url", log: &log), Site.checkURL(url, key: access.keyPath("buy_url"), fields: fields, at: access.node("buy_url"), log: &log) {
                accessURL = url
            }
            let badges = access.stringList("badges", log: &log)
            // Checked against the holders once the badges are computed (`Site.planAccess`).
            let revoke = access.stringList("revoke", log: &log)
            if let accessOpens = access.timestamp("opens", log: &log) {
                if let opens, accessOpens >= opens {
                    log.add(access.diagnostic("opens", "must be before the drop opens (\(RFC3339.format(opens)))"))
                }
                earlyAccess = EarlyAccess(opens: accessOpens, badges: badges, buyURL: accessURL, revoke: revoke)
            }
        }

        var pickup: [PickupWindow] = []
        for window in fields.fieldsList("pickup", log: &log) {
            window.checkKeys(known: ["location", "address", "starts", "ends"], required: ["location", "starts", "ends"], log: &log)
            guard let location = window.nonEmptyString("location", log: &log),
                  let starts = window.timestamp("starts", log: &log), let ends = window.timestamp("ends", log: &log) else { continue }
            if ends <= starts {
                log.add(window.diagnostic("ends", "must be after starts (\(RFC3339.format(starts)))"))
                continue
            }
            pickup.append(PickupWindow(location: location, address: window.string("address", log: &log), starts: starts, ends: ends))
        }

        var tags: [String] = []
        let tagItems = (fields.node("tags").map { $0.sequence.map { Array($0) } ?? [$0] } ?? []).filter { $0.scalar != nil }
        for (index, tag) in fields.stringList("tags", log: &log).enumerated() {
            let slug = slugify(tag)
            if slug.isEmpty {
                log.add(fields.diagnostic("tags", "tag \"\(tag)\" has no letters or digits"))
            } else if slug.utf8.count > Site.maxNameBytes {
                // The tag's page is the folder tags/<slug>/: a name the file system must take.
                let node = index < tagItems.count ? tagItems[index] : nil
                log.add(fields.diagnostic(node.map { _ in "tags[\(index)]" } ?? "tags", Site.nameTooLong("the tag's page name", slug), at: node))
            } else if !tags.contains(slug) {
                tags.append(slug)
            }
        }

        var buyURL: String?
        if let url = fields.string("buy_url", log: &log), Site.checkURL(url, key: "buy_url", fields: fields, at: fields.node("buy_url"), log: &log) {
            buyURL = url
        }

        var hero: HeroRequest?
        var heroAlt = ""
        if let heroFields = fields.fields("hero", log: &log) {
            heroFields.checkKeys(known: ["video", "start", "duration", "poster_at", "alt"], required: ["video", "duration", "alt"], log: &log)
            heroAlt = heroFields.nonEmptyString("alt", log: &log) ?? ""
            let start = heroFields.double("start", log: &log) ?? 0
            let duration = heroFields.double("duration", log: &log)
            let posterAt = heroFields.double("poster_at", log: &log)
            let source = MediaSource(file: file.path, line: heroFields.line(of: "video"), column: heroFields.column(of: "video"), key: "hero.video")
            if let video = heroFields.nonEmptyString("video", log: &log),
               let url = MediaPaths.resolve(video, from: file.path, root: root, source: source, log: &log), let duration {
                var lines: [String: Int] = [:], columns: [String: Int] = [:]
                for key in ["video", "start", "duration", "poster_at"] {
                    lines[key] = heroFields.line(of: key)
                    columns[key] = heroFields.column(of: key)
                }
                hero = HeroRequest(source: source, video: url, start: start, duration: duration, posterAt: posterAt,
                                   lines: lines, columns: columns)
            }
        }

        var images: [Loaded.Image] = []
        for image in fields.fieldsList("images", log: &log) {
            image.checkKeys(known: ["src", "alt"], required: ["src", "alt"], log: &log)
            let source = MediaSource(file: file.path, line: image.line(of: "src"), column: image.column(of: "src"), key: image.keyPath("src"))
            guard let alt = image.nonEmptyString("alt", log: &log), let src = image.nonEmptyString("src", log: &log),
                  let url = MediaPaths.resolve(src, from: file.path, root: root, source: source, log: &log) else { continue }
            images.append(Loaded.Image(request: StillRequest(source: source, image: url), alt: alt))
        }

        var lines: [String: Int] = [:]
        for key in fields.keys { lines[key] = fields.line(of: key) }
        if let revokeLine { lines[Drop.revokeLineKey] = revokeLine }
        for (index, mark) in aliasMarks.enumerated() {
            if let mark {
                lines[Drop.aliasLineKey(index)] = mark.line
                lines[Drop.aliasColumnKey(index)] = mark.column
            }
        }
        let body = Markdown.htmlAndSummary(file.body)
        var drop = Drop(file: file.path, slug: slug, title: title, creatorID: creator, aliases: aliases, price: price,
                        compareAt: compareAt, priceUntil: fields.timestamp("price_until", log: &log), edition: edition,
                        remaining: remaining, perCustomerLimit: limit, opens: opens, closes: closes, statusOverride: statusOverride,
                        earlyAccess: earlyAccess, hero: nil, images: [], pickup: pickup.sorted { $0.starts < $1.starts },
                        policyID: fields.string("policy", log: &log), tags: tags, buyURL: buyURL,
                        bodyHTML: body.html, summary: body.summary, state: .draft, lines: lines)
        drop.state = drop.state(at: now, archiveAfterDays: config.archiveAfterDays)
        return Loaded(drop: drop, hero: hero, heroAlt: heroAlt, images: images)
    }

    static func isSlug(_ text: String) -> Bool {
        // On bytes: every drop's slug is checked on every build.
        let bytes = text.utf8, dash = UInt8(ascii: "-")
        guard !bytes.isEmpty, bytes.count <= Site.maxNameBytes, bytes.first != dash, bytes.last != dash else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            guard (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == dash && previous != dash else { return false }
            previous = byte
        }
        return true
    }

    /// `/old/mug` → `/old/mug/`; refuses anything that is not a plain site path: no white space
    /// or control character, no hidden segment (`/.dropgen/` holds the build's own records), no
    /// empty one (`/creators//mara/` is the folder of `/creators/mara/`) and no `%` (a host
    /// decodes `/%69ndex.html` into `/index.html`).
    static func normalizeAlias(_ alias: String) -> String? {
        guard alias.hasPrefix("/"), !alias.contains("//"), !alias.contains("%"), !alias.contains(".."), !alias.contains("?"), !alias.contains("#"),
              LineSafe.firstUnsafe(in: alias) == nil, !alias.contains("\""), !alias.contains("<"), !alias.contains("\\"),
              !alias.contains("/."), alias.count > 1 else { return nil }
        if alias.hasSuffix("/") || alias.hasSuffix(".html") { return alias }
        return alias + "/"
    }
}

/// `Hand-thrown Mugs!` → `hand-thrown-mugs`.
func slugify(_ text: String) -> String {
    // ASCII letters and digits need no Unicode case mapping or folding: kept lowercased, every
    // other run of bytes becomes one dash, as the Character loop below does.
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
        var slug: [UInt8] = []
        var pendingDash = false
        for byte in text.utf8 {
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
            if (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9")) {
                if pendingDash && !slug.isEmpty { slug.append(UInt8(ascii: "-")) }
                slug.append(lower)
                pendingDash = false
            } else {
                pendingDash = true
            }
        }
        return String(decoding: slug, as: UTF8.self)
    }
    var slug = ""
    var pendingDash = false
    for character in text.lowercased().folding(options: .diacriticInsensitive, locale: nil) {
        if character.isASCII && (character.isLetter || character.isNumber) {
            if pendingDash && !slug.isEmpty { slug.append("-") }
            slug.append(character)
            pendingDash = false
        } else {
            pendingDash = true
        }
    }
    return slug
}
