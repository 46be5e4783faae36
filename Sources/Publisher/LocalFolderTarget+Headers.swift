import Foundation
import SiteManifest

/// The `_headers` file (Netlify and Cloudflare Pages format) that a folder target writes after the
/// live pointer moves, so a static host serving the folder applies the same edge rules.
///
/// Hosts read few rules (Cloudflare Pages: 100 at most, 2,000 characters a line), so the rules
/// are patterns where the site allows: `/*.html`, `/*/` (a folder's `index.html`), `/*.css`,
/// `/media/*.webp`, and a path of its own only for a file that shares its ending with files of
/// other headers in its folder. Their count grows with the kinds of file and the folders that mix
/// them, not with the pages. A request matching several rules gets the headers of all of them
/// (values of one header joined by commas), so no two rules ever match one file: every pattern is
/// `<folder>/*<ending>`, chosen only when every URL of the site under that folder with that ending
/// gets the same headers, and paths of their own are left to the files a pattern does not cover.
/// dropgen's own folders keep one rule each (no cache, no index), and no pattern reaches into them.
extension LocalFolderTarget {
    struct HeaderRule: Equatable, Sendable {
        /// A path or a pattern with one `*`, ready for the rule line.
        var path: String
        var headers: [(name: String, value: String)]

        static func == (a: HeaderRule, b: HeaderRule) -> Bool {
            a.path == b.path && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
        }
    }

    /// The headers an object's URL gets from its rule.
    struct EdgeHeaders: Hashable, Sendable {
        struct Extra: Hashable, Sendable {
            var name, value: String
        }

        var cacheControl: String
        var contentType: String?
        /// What the key's cache class adds (`EdgeRules.extraHeaders`): `X-Robots-Tag` for the personal pages.
        var extras: [Extra] = []

        init(cacheControl: String, contentType: String?, key: String) {
            self.cacheControl = cacheControl
            self.contentType = contentType
            extras = EdgeRules.extraHeaders(for: EdgeRules.cacheClass(for: key)).map { Extra(name: $0.name, value: $0.value) }
        }

        var lines: [(name: String, value: String)] {
            [(name: "Cache-Control", value: cacheControl)] + (contentType.map { [(name: "Content-Type", value: $0)] } ?? [])
                + extras.map { (name: $0.name, value: $0.value) }
        }
    }

    /// The rules of dropgen's own folders, last in the file.
    static let privateRules = [".dropgen", metaFolder].map { folder in
        HeaderRule(path: "/\(folder)/*", headers: [(name: "Cache-Control", value: "no-store"), (name: "X-Robots-Tag", value: "noindex")])
    }

    /// Every URL the objects are served at, with the headers it should get: nil for dropgen's own
    /// folders and objects without known headers, which no rule of an object may reach.
    /// `dir/index.html` is also served at `/dir/`.
    static func edgeHeaders(_ objects: [RemoteObject]) -> [String: EdgeHeaders?] {
        var urls: [String: EdgeHeaders?] = [:]
        for object in objects {
            let own = object.key.hasPrefix(".dropgen/") || object.key.hasPrefix(metaFolder + "/")
            let headers = own ? nil : object.cacheControl.map { EdgeHeaders(cacheControl: $0, contentType: object.contentType, key: object.key) }
            urls["/" + object.key] = .some(headers)
            if object.key == "index.html" {
                urls["/"] = .some(headers)
            } else if object.key.hasSuffix("/index.html") {
                urls["/" + object.key.dropLast("index.html".count)] = .some(headers)
            }
        }
        // The sidecars are never listed; each is `<key>.json`, and the folder's marker has no ending.
        urls["/\(metaFolder)/index.html.json"] = .some(nil)
        return urls
    }

    /// The rules for `objects`, sorted by path, then dropgen's own folders'.
    static func headerRules(_ objects: [RemoteObject]) -> [HeaderRule] {
        let urls = edgeHeaders(objects)
        var rules: [HeaderRule] = []
        func exact(_ url: String, _ headers: EdgeHeaders?) {
            guard let headers else { return }
            rules.append(HeaderRule(path: LineSafe.percentEncoded(url), headers: headers.lines))
        }
        // `/` itself: no pattern matches it.
        if let root = urls["/"] { exact("/", root) }
        var byEnding: [String: [(url: String, headers: EdgeHeaders?)]] = [:]
        for (url, headers) in urls where url != "/" {
            if let ending = ending(url) {
                byEnding[ending, default: []].append((url, headers))
            } else {
                exact(url, headers)
            }
        }
        for (ending, members) in byEnding {
            cover(folder: "/", ending: ending, members, into: &rules)
        }
        rules.sort { $0.path < $1.path }
        return rules + privateRules
    }

    /// Rules for `members`, the URLs under `folder` (which ends in `/`) that end in `ending`: one
    /// pattern when they all get the same headers, else a path of their own for those directly in
    /// `folder` and the same for each subfolder.
    private static func cover(folder: String, ending: String, _ members: [(url: String, headers: EdgeHeaders?)],
                              into rules: inout [HeaderRule]) {
        let first = members[0].headers
        if members.allSatisfy({ $0.headers == first }) {
            guard let first else { return }  // dropgen's own, or headers unknown: no rule
            if patternSafe(folder) {
                rules.append(HeaderRule(path: folder + "*" + ending, headers: first.lines))
                return
            }
        }
        var subfolders: [String: [(url: String, headers: EdgeHeaders?)]] = [:]
        for member in members {
            var rest = member.url.dropFirst(folder.count)
            if ending == "/" { rest = rest.dropLast() }  // `/dir/sub/`: the folder `sub/` is in `dir/`
            if let slash = rest.firstIndex(of: "/") {
                subfolders[folder + rest[...slash], default: []].append(member)
            } else if let headers = member.headers {
                rules.append(HeaderRule(path: LineSafe.percentEncoded(member.url), headers: headers.lines))
            }
        }
        for (subfolder, inside) in subfolders {
            cover(folder: subfolder, ending: ending, inside, into: &rules)
        }
    }

    /// What a pattern `<folder>/*<ending>` can stand for: `/` for a folder's URL, `.ext` for a
    /// name ending in a dot and letters or digits; nil for anything else (a path of its own).
    static func ending(_ url: String) -> String? {
        if url.hasSuffix("/") { return "/" }
        let name = url[url.index(after: url.lastIndex(of: "/")!)...]
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let ext = name[name.index(after: dot)...]
        guard !ext.isEmpty, ext.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        else { return nil }
        return "." + ext
    }

    /// A folder a pattern may start with: nothing a host reads as a wildcard (`*`), a placeholder
    /// (`:name`) or an escape, and nothing to encode.
    static func patternSafe(_ folder: String) -> Bool {
        !folder.contains("*") && !folder.contains(":") && !folder.contains("%") && LineSafe.firstUnsafe(in: folder) == nil
    }

    /// The file's text: the rules, then dropgen's own folders (no cache, no index). Paths are
    /// percent-encoded and values kept to one line, so no key or header value adds a rule.
    static func headersFileText(_ objects: [RemoteObject]) -> String {
        var text = "# Written by dropgen publish: the same cache rules as every other target.\n"
        for rule in headerRules(objects) {
            text += rule.path + "\n"
            for header in rule.headers { text += "  \(header.name): \(LineSafe.headerValue(header.value))\n" }
        }
        return text
    }
}
