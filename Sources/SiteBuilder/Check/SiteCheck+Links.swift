import Foundation

extension SiteCheck {
    /// One URL-valued attribute of a built page.
    struct Reference: Sendable, Equatable {
        var element: String
        var attribute: String
        var value: String
        /// The output file a site-internal URL resolves to (`/x/` → `x/index.html`); nil for
        /// external URLs, fragments, data URIs and the like, which are not ours to check.
        var target: String?
        /// Fetched by the browser before the page is usable (counts toward `page_weight_kb`).
        var loadsBeforeInteraction: Bool
    }

    static let urlAttributes: Set<String> = ["href", "src", "srcset", "poster", "imagesrcset"]

    /// Every URL-valued attribute of the page, in document order; a `srcset` yields one per candidate.
    static func references(in html: Data) -> [Reference] {
        var references: [Reference] = []
        for tag in HTMLTags.scan(html) {
            let attributes = tag.attributes
            let rel = Set((attributes["rel"] ?? "").lowercased().split(separator: " ").map(String.init))
            let media = attributes["media"]?.lowercased() ?? ""
            for (name, value) in tag.ordered where urlAttributes.contains(name) {
                let values = name.hasSuffix("srcset") ? srcsetURLs(value) : [value]
                for url in values {
                    let eager: Bool
                    switch (tag.name, name) {
                    case ("link", "href"):
                        eager = (rel.contains("stylesheet") && media != "print") || rel.contains("preload") || rel.contains("modulepreload")
                    case ("script", "src"): eager = true
                    case ("video", "poster"): eager = true
                    case ("img", "src"): eager = attributes["loading"]?.lowercased() != "lazy"
                    default: eager = false
                    }
                    references.append(Reference(element: tag.name, attribute: name, value: url, target: internalTarget(url),
                                                loadsBeforeInteraction: eager))
                }
            }
        }
        return references
    }

    /// `/drops/mugs/?x#buy` → `drops/mugs/index.html`; nil for anything not a site path.
    static func internalTarget(_ url: String) -> String? {
        guard url.hasPrefix("/"), !url.hasPrefix("//") else { return nil }
        var path = Substring(url)
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        var decoded = String(path).removingPercentEncoding ?? String(path)
        if decoded.hasSuffix("/") { decoded += "index.html" }
        return String(decoded.dropFirst())
    }

    /// `a.webp 480w, b.webp 960w` → `[a.webp, b.webp]`.
    static func srcsetURLs(_ value: String) -> [String] {
        value.split(separator: ",").compactMap { candidate in
            candidate.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).first.map(String.init)
        }
    }

    static func checkLinks(_ files: [String: Data], pages: [String: [Reference]]) -> (checked: Int, violations: [Violation]) {
        var checked = 0
        var violations: [Violation] = []
        for (page, references) in pages.sorted(by: { $0.key < $1.key }) {
            var reported: Set<String> = []
            for reference in references {
                guard let target = reference.target else { continue }
                checked += 1
                if files[target] == nil, reported.insert(reference.value).inserted {
                    violations.append(Violation(kind: .link, page: page, target: reference.value,
                                                message: "<\(reference.element) \(reference.attribute)=\"\(reference.value)\"> points to /\(target), which the build did not produce"))
                }
            }
        }
        return (checked, violations)
    }
}

/// A deliberately small HTML tag scanner: start tags and their attributes, skipping comments and
/// the bodies of `<script>` and `<style>` (JSON-LD and CSS are not markup). It reads what the
/// theme produces; it is not a general HTML5 parser.
enum HTMLTags {
    struct Tag {
        var name: String
        /// In document order; the first of a repeated name wins, as in browsers.
        var ordered: [(name: String, value: String)]
        var attributes: [String: String] { Dictionary(ordered.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }) }
    }

    static func scan(_ data: Data) -> [Tag] {
        let bytes = [UInt8](data)
        var tags: [Tag] = []
        var index = 0
        let count = bytes.count
        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
            if hasPrefix(bytes, at: index, "<!--") {
                index = find(bytes, "-->", from: index + 4).map { $0 + 3 } ?? count
                continue
            }
            var cursor = index + 1
            guard cursor < count, isNameStart(bytes[cursor]) else { index += 1; continue }
            let nameStart = cursor
            while cursor < count, isNameChar(bytes[cursor]) { cursor += 1 }
            let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self).lowercased()
            var attributes: [(name: String, value: String)] = []
            // Attributes until `>`.
            while cursor < count {
                while cursor < count, isSpace(bytes[cursor]) || bytes[cursor] == UInt8(ascii: "/") { cursor += 1 }
                guard cursor < count, bytes[cursor] != UInt8(ascii: ">") else { break }
                let attributeStart = cursor
                while cursor < count, !isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: "="), bytes[cursor] != UInt8(ascii: ">") {
                    cursor += 1
                }
                let attributeName = String(decoding: bytes[attributeStart..<cursor], as: UTF8.self).lowercased()
                while cursor < count, isSpace(bytes[cursor]) { cursor += 1 }
                var value = ""
                if cursor < count, bytes[cursor] == UInt8(ascii: "=") {
                    cursor += 1
                    while cursor < count, isSpace(bytes[cursor]) { cursor += 1 }
                    if cursor < count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") {
                        let quote = bytes[cursor]
                        let valueStart = cursor + 1
                        cursor = valueStart
                        while cursor < count, bytes[cursor] != quote { cursor += 1 }
                        value = String(decoding: bytes[valueStart..<min(cursor, count)], as: UTF8.self)
                        cursor += 1
                    } else {
                        let valueStart = cursor
                        while cursor < count, !isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: ">") { cursor += 1 }
                        value = String(decoding: bytes[valueStart..<cursor], as: UTF8.self)
                    }
                }
                if !attributeName.isEmpty, !attributes.contains(where: { $0.name == attributeName }) {
                    attributes.append((attributeName, decodeEntities(value)))
                }
            }
            tags.append(Tag(name: name, ordered: attributes))
            index = cursor + 1
            if name == "script" || name == "style" {
                index = find(bytes, "</\(name)", from: index, caseInsensitive: true) ?? count
            }
        }
        return tags
    }

    static func decodeEntities(_ value: String) -> String {
        guard value.contains("&") else { return value }
        var text = value
        for (entity, character) in [("&quot;", "\""), ("&#34;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&apos;", "'"),
                                    ("&lt;", "<"), ("&gt;", ">"), ("&#x2F;", "/"), ("&#47;", "/"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C }
    private static func isNameStart(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    private static func isNameChar(_ byte: UInt8) -> Bool {
        isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
    }

    private static func hasPrefix(_ bytes: [UInt8], at index: Int, _ prefix: String, caseInsensitive: Bool = false) -> Bool {
        let needle = Array(prefix.utf8)
        guard index + needle.count <= bytes.count else { return false }
        for offset in 0..<needle.count {
            let a = bytes[index + offset], b = needle[offset]
            if caseInsensitive ? (a | 0x20) != (b | 0x20) : a != b { return false }
        }
        return true
    }

    private static func find(_ bytes: [UInt8], _ needle: String, from start: Int, caseInsensitive: Bool = false) -> Int? {
        guard let first = needle.utf8.first else { return nil }
        var index = start
        while index < bytes.count {
            if (caseInsensitive ? (bytes[index] | 0x20) == (first | 0x20) : bytes[index] == first),
               hasPrefix(bytes, at: index, needle, caseInsensitive: caseInsensitive) { return index }
            index += 1
        }
        return nil
    }
}
