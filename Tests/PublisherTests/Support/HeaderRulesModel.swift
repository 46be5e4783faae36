import Foundation
@testable import Publisher
@testable import SiteManifest

/// How a static host applies a `_headers` file (Cloudflare Pages' documented rules: every rule
/// whose path matches applies, one `*` matches any characters including `/`, values of one header
/// from several rules are joined by `, `), the per-file rules the folder target wrote before its
/// pattern rules (the reference they must equal), and a large site to try them on.
enum HeaderRulesModel {
    /// The headers `url` gets, as `Name: value` lines sorted by name.
    static func headers(for url: String, rules: [LocalFolderTarget.HeaderRule], splatMayBeEmpty: Bool) -> [String] {
        headers(for: url, rules: Rules(rules), splatMayBeEmpty: splatMayBeEmpty)
    }

    /// Rules with paths of their own by path, so a site's URLs are resolved in linear time.
    struct Rules {
        var exact: [String: [LocalFolderTarget.HeaderRule]] = [:]
        var patterns: [LocalFolderTarget.HeaderRule] = []

        init(_ rules: [LocalFolderTarget.HeaderRule]) {
            for rule in rules {
                if rule.path.contains("*") { patterns.append(rule) } else { exact[rule.path, default: []].append(rule) }
            }
        }
    }

    static func headers(for url: String, rules: Rules, splatMayBeEmpty: Bool) -> [String] {
        var values: [String: [String]] = [:]
        let matching = (rules.exact[url] ?? []) + rules.patterns.filter { matches($0.path, url, splatMayBeEmpty: splatMayBeEmpty) }
        for rule in matching {
            for header in rule.headers { values[header.name, default: []].append(header.value) }
        }
        return values.keys.sorted().map { "\($0): \(values[$0]!.joined(separator: ", "))" }
    }

    static func matches(_ pattern: String, _ url: String, splatMayBeEmpty: Bool) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == url }
        let head = pattern[..<star]
        let tail = pattern[pattern.index(after: star)...]
        return url.hasPrefix(head) && url.hasSuffix(tail)
            && url.count >= head.count + tail.count + (splatMayBeEmpty ? 0 : 1)
    }

    /// Every URL the objects are served at: `/key`, and `/dir/` for `dir/index.html`.
    static func urls(_ objects: [RemoteObject]) -> [String] {
        var urls: [String] = []
        for object in objects {
            urls.append("/" + object.key)
            if object.key == "index.html" { urls.append("/") }
            if object.key.hasSuffix("/index.html") { urls.append("/" + object.key.dropLast("index.html".count)) }
        }
        return urls
    }

    /// The rules the folder target wrote before: two per page, one per other file.
    static func objectRules(_ objects: [RemoteObject]) -> [LocalFolderTarget.HeaderRule] {
        var rules: [LocalFolderTarget.HeaderRule] = []
        for object in objects where !object.key.hasPrefix(".dropgen/") {
            guard let cacheControl = object.cacheControl else { continue }
            let headers = LocalFolderTarget.EdgeHeaders(cacheControl: cacheControl, contentType: object.contentType, key: object.key).lines
            rules.append(.init(path: "/" + object.key, headers: headers))
            if object.key == "index.html" {
                rules.append(.init(path: "/", headers: headers))
            } else if object.key.hasSuffix("/index.html") {
                rules.append(.init(path: "/" + object.key.dropLast("index.html".count), headers: headers))
            }
        }
        return rules.sorted { $0.path < $1.path } + LocalFolderTarget.privateRules
    }

    /// A marketplace of `drops` drops as the build writes it (pages, a calendar and live stock per
    /// drop, hashed media, makers with their JSON, tags) plus dropgen's own records.
    static func largeSite(drops: Int) -> [RemoteObject] {
        let immutable = EdgeRules.immutableCacheControl
        let revalidate = EdgeRules.defaultRevalidateCacheControl
        let live = "public, max-age=5, s-maxage=5, stale-while-revalidate=30"
        let html = "text/html; charset=utf-8", json = "application/json; charset=utf-8"
        var objects: [RemoteObject] = []
        func add(_ key: String, _ type: String?, _ cacheControl: String?) {
            objects.append(RemoteObject(key: key, size: 1, contentType: type, cacheControl: cacheControl))
        }
        for page in ["index.html", "404.html", "drops/index.html", "creators/index.html", "badges/index.html",
                     "schedule/index.html", "trust/index.html"] {
            add(page, html, revalidate)
        }
        add("catalog.json", json, revalidate)
        add("feed.xml", "application/atom+xml; charset=utf-8", revalidate)
        add("sitemap.xml", "application/xml; charset=utf-8", revalidate)
        add("drops.ics", "text/calendar; charset=utf-8", revalidate)
        add("robots.txt", "text/plain; charset=utf-8", revalidate)
        add("_redirects", "text/plain; charset=utf-8", revalidate)
        add("favicon.1e070f8b94.svg", "image/svg+xml; charset=utf-8", immutable)
        add("css/app.0123456789.css", "text/css; charset=utf-8", immutable)
        add("js/live.0123456789.js", "text/javascript; charset=utf-8", immutable)
        for n in 0..<drops {
            let slug = "drop-\(n)"
            add("drops/\(slug)/index.html", html, revalidate)
            add("drops/\(slug)/live.json", json, live)
            add("drops/\(slug).ics", "text/calendar; charset=utf-8", revalidate)
            add("media/\(slug).\(String(n, radix: 16)).webp", "image/webp", immutable)
            if n % 10 == 0 { add("media/\(slug).\(String(n, radix: 16)).mp4", "video/mp4", immutable) }
        }
        for n in 0..<(drops / 20) {
            add("creators/maker-\(n)/index.html", html, revalidate)
            add("creators/maker-\(n).json", json, revalidate)
        }
        for tag in ["clay", "wool", "print", "candle", "bread"] { add("tags/\(tag)/index.html", html, revalidate) }
        // dropgen's own: records, the pointer, rollback copies (no ending), none with a rule of its own.
        add(".dropgen/live.json", json, "no-cache")
        add(".dropgen/deploys/20261118T110640Z-00000000.json", json, "no-cache")
        add(".dropgen/objects/" + String(repeating: "a", count: 64), html, "no-cache")
        return objects
    }
}
