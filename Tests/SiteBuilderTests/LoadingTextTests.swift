import Foundation
import Testing
@testable import SiteBuilder
@testable import SiteSource

/// The byte-level text handling of loading against the String code it replaced.
@Suite struct LoadingTextTests {
    enum Split: Equatable {
        case missing, unclosed
        case parts(String, String)
    }

    /// How `SourceFile.parse` split a file before it worked on bytes.
    static func splitByLines(_ text: String) -> Split {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first.map({ $0.trimmingCharacters(in: .whitespaces) }) != "---" { return .missing }
        lines.removeFirst()
        guard let end = lines.firstIndex(where: { let t = $0.trimmingCharacters(in: .whitespaces); return t == "---" || t == "..." }) else {
            return .unclosed
        }
        return .parts(lines[..<end].joined(separator: "\n"), lines[(end + 1)...].joined(separator: "\n"))
    }

    static func splitByBytes(_ text: String) -> Split {
        guard let split = FrontMatterSplit(text) else { return .missing }
        guard let (yaml, body) = split.parts else { return .unclosed }
        return .parts(yaml, body)
    }

    @Test func frontMatterSplitsAsLinesDid() {
        let pieces = ["---", "...", " --- ", "\t---\t", "--- x", "----", "\u{00A0}---", "---\u{00A0}", "\u{2003}...", "---\u{301}",
                      "", "a: 1", "b", "é", "\r", "x\r", "---\r", "\u{FEFF}---", "- - -", "..", " ", "\u{0085}---", "---\u{2028}"]
        let breaks = ["\n", "\n", "\n", "\r\n", "\r", "\n\n"]
        var random = SplitMix(state: 7)
        for _ in 0..<5000 {
            var text = random.chance(80) ? "---" : random.pick(pieces)
            for _ in 0..<random.int(7) { text += random.pick(breaks) + random.pick(pieces) }
            if random.chance(50) { text += random.pick(breaks) }
            #expect(Self.splitByBytes(text) == Self.splitByLines(text), "\(text.debugDescription)")
        }
        for text in ["", "---", "---\n", "---\n---", "---\n---\n", "---\na: 1\n---\nbody\n", "---\r\na: 1\r\n---\r\nbody"] {
            #expect(Self.splitByBytes(text) == Self.splitByLines(text), "\(text.debugDescription)")
        }
    }

    /// How `Markdown.summary` collapsed whitespace before it worked on bytes.
    @Test func summaryWhitespaceCollapsesAsCharactersDid() {
        let bytes: [UInt8] = [0x20, 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1F, 0x61, 0x62, 0x2E, 0x2D]
        var random = SplitMix(state: 11)
        for _ in 0..<5000 {
            let text = (0..<random.int(40)).map { _ in random.pick(bytes) }
            let limit = random.int(30)
            let string = String(decoding: text, as: UTF8.self)
            #expect(SummaryText.collapsed(text, limit: limit) == SummaryText.collapsed(string, limit: limit), "\(string.debugDescription)")
        }
    }

    static let bodies: [String] = [
        "", "Hello world", "It's \"quoted\" -- and --- and ... more", "a ~~b~~ c", "a ~b~ c", "see www.example.com today",
        "see https://x.y/z now", "mail me@x.com", "| a | b |\n|---|---|\n| 1 | 2 |\n\npara", "para\n\n| a |\n|---|\n| 1 |",
        "[^1]: note\n\ntext[^1]", "text[^1]\n\n[^1]: note", "# Heading\n\nFirst *para* with `code` and <b>html</b>.\n\nSecond.",
        String(repeating: "word ", count: 80), String(repeating: "longerword", count: 30), "  leading\n\ttabs\u{0B}vt and \u{0C}ff",
        "Café crème\u{00A0}nbsp and\u{2003}em space", "- list\n\npara", "[link][ref] text\n\n[ref]: http://x", "x\r\ny", "line  \nhard break",
        "a\\\nb", "> quote\n\npara", "    code block\n\npara", "```\nfence\n```\n\npara after", "<div>html block</div>\n\npara",
        "a <b onclick=x>b</b> [c](javascript:alert(1))", "- [ ] task\n- [x] done\n\npara", "para one\nlazy line\n\ntwo",
        "Setext\n===\n\npara", "Setext\n---\n\npara", "*emph* and **strong** and _under_", "&quot;entity&quot; &amp; &copy;",
        "un\u{0}nul", "tab\there", "e\u{301} combining", "ends with space ", "Dash-separated words - and a dash",
        "Ellipsis.. two dots", "www without dot", "a@b", "http: no slashes", "ftp://x", "a//b", String(repeating: "é ", count: 150),
        "Twenty-four mugs, glazed in speckled oatmeal. Each one is thrown by hand in the studio and fired twice; no two are alike, "
            + "and the set ships in a box made for them. Order early: the last edition went in an hour.",
    ]

    @Test(arguments: bodies) func htmlAndSummaryFromOneParse(body: String) {
        let both = Markdown.htmlAndSummary(body)
        #expect(both.html == Markdown.html(body))
        #expect(both.summary == Markdown.summary(body))
    }

    @Test(arguments: ["Hand-thrown Mugs!", "Café  crème", "--", "", "A1 b2\r\nC3", "ÄÖÜ straße", "x\u{301}y", "  Lead and trail  ",
                      "UPPER_snake.case", "İstanbul", "ﬁne", "tag-07", "Ceramics & Glass", "a\u{0}b", "~tilde~ `tick` ^caret^", "a`b", "a^b", "a~b", "a\u{7F}b", "a\u{1}b"])
    func slugsAsFoundationDid(text: String) {
        #expect(slugify(text) == slugifyAsBefore(text))
    }

    func slugifyAsBefore(_ text: String) -> String {
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

    @Test(arguments: ["content/drops/mugs.md", "content/drops/mugs/index.md", "content/drops/a.b.md", "content/drops/Café.md",
                      "content/drops/with space.md", "content/drops/.md", "content/drops/index.md", "content/drops/x/index.md",
                      "content/drops/-x-.md", "content/drops/UPPER.md", "content/drops/x.MD", "content/drops/%41.md", "mugs.md",
                      "content/drops/x%20y/index.md", "content/drops/a..md", "content/drops/a.md.md"])
    func defaultSlugsAsURLDid(path: String) {
        let url = URL(fileURLWithPath: path)
        let expected = url.lastPathComponent == "index.md" ? url.deletingLastPathComponent().lastPathComponent
            : url.deletingPathExtension().lastPathComponent
        #expect(DropLoader.defaultSlug(for: path) == expected)
    }

    static let texts = ["mugs", "hand-thrown-mugs", "a1-b2", "-mugs", "mugs-", "a--b", "Mugs", "café", "mugs_2", "", "-", "a",
                        String(repeating: "a", count: 100), String(repeating: "a", count: 101), "٣", "ａ", " mugs", "mu gs",
                        "  ", "\t\n", " x ", "\u{00A0}", "\u{00A0}x", "x\u{2003}", "\u{3000}", "24.50", " 24 ", "\t24", "24\n", "é "]

    @Test(arguments: texts) func slugCheckAsCharactersDid(text: String) {
        let before = !text.isEmpty && text.count <= 100 && !text.hasPrefix("-") && !text.hasSuffix("-") && !text.contains("--")
            && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
        #expect(DropLoader.isSlug(text) == before)
    }

    @Test(arguments: texts) func trimmingAsFoundationDoes(text: String) {
        #expect(isBlank(text) == text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(text.trimmingWhitespace == text.trimmingCharacters(in: .whitespaces))
    }
}
