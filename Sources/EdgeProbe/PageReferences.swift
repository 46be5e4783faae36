import Foundation

/// What a probe follows on a page: links to product pages, and the hero clips and posters of
/// `<video>` elements (the theme's `<video class="hero" poster="…"><source src="…">`).
public struct PageReferences: Sendable, Equatable {
    public var productPages: [String] = []
    public var heroClips: [String] = []
    public var posters: [String] = []

    /// References in document order, each once. Attribute values are read as HTML writes them
    /// (`&amp;` decoded), quoted with `"` or `'`.
    public static func scan(_ html: String) -> PageReferences {
        var found = PageReferences()
        var inVideo = false
        var index = html.startIndex
        while let open = html[index...].firstIndex(of: "<") {
            guard let close = html[open...].firstIndex(of: ">") else { break }
            let tag = html[html.index(after: open)..<close]
            index = html.index(after: close)
            let closing = tag.hasPrefix("/")
            let name = (closing ? "/" : "") + tag.dropFirst(closing ? 1 : 0).prefix { !$0.isWhitespace && $0 != "/" }.lowercased()
            switch name {
            case "a":
                if let href = attribute("href", in: tag), isProductPage(href) { found.productPages.appendOnce(href) }
            case "video":
                inVideo = true
                if let poster = attribute("poster", in: tag), !poster.isEmpty { found.posters.appendOnce(poster) }
                if let src = attribute("src", in: tag), !src.isEmpty { found.heroClips.appendOnce(src) }
            case "/video":
                inVideo = false
            case "source" where inVideo:
                if let src = attribute("src", in: tag), !src.isEmpty { found.heroClips.appendOnce(src) }
            default:
                break
            }
        }
        return found
    }

    /// `/drops/<slug>/` (or the same as a full URL), not the listing or its pages.
    static func isProductPage(_ href: String) -> Bool {
        var path = Substring(href)
        if let scheme = path.range(of: "://") {
            path = path[scheme.upperBound...]
            guard let slash = path.firstIndex(of: "/") else { return false }
            path = path[slash...]
        }
        guard path.hasPrefix("/drops/"), path.hasSuffix("/") else { return false }
        let slug = path.dropFirst(7).dropLast()
        return !slug.isEmpty && slug != "page" && slug.allSatisfy { ($0.isLetter && $0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        var rest = tag[...]
        while let found = rest.range(of: name, options: .caseInsensitive) {
            let before = found.lowerBound == rest.startIndex ? " " : rest[rest.index(before: found.lowerBound)]
            var after = found.upperBound
            rest = rest[found.upperBound...]
            guard before.isWhitespace else { continue }
            while after < tag.endIndex, tag[after].isWhitespace { after = tag.index(after: after) }
            guard after < tag.endIndex, tag[after] == "=" else { continue }
            after = tag.index(after: after)
            while after < tag.endIndex, tag[after].isWhitespace { after = tag.index(after: after) }
            guard after < tag.endIndex else { return nil }
            let quote = tag[after]
            if quote == "\"" || quote == "'" {
                let start = tag.index(after: after)
                guard let end = tag[start...].firstIndex(of: quote) else { return nil }
                return decode(tag[start..<end])
            }
            return decode(tag[after...].prefix { !$0.isWhitespace })
        }
        return nil
    }

    private static func decode(_ value: Substring) -> String {
        value.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#38;", with: "&")
    }
}

extension Array where Element == String {
    mutating func appendOnce(_ value: String) { if !contains(value) { append(value) } }
}
