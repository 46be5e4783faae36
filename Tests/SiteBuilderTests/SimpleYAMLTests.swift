import Foundation
import Testing
import Yams
@testable import SiteBuilder
@testable import SiteSource

/// The fast front-matter reader against Yams: for every document it must either step aside (nil)
/// or build the very tree Yams builds, down to each scalar's style and mark.
@Suite struct SimpleYAMLTests {
    static let cases: [String] = [
        "title: Speckled mugs\ncreator: mara\nprice: 24\n",
        "key: \"a: b\"", "key: 'it''s'", "url: https://x/y#z", "a: b #c", "a: b#c", "tags: [a, b]", "tags: []",
        "tags: [ 'a', \"b c\" ]  # note", "tags: [a b, c]", "tags: [a,b]", "tags: [a, ]", "tags: [a, , b]", "tags: [a:b]",
        "tags: [a, [b]]", "tags: [a", "tags: [a]#c", "tags: [a] x", "tags: [-a]", "empty:", "empty:   ", "empty: # c",
        "nothing: ~", "null: null", "a:\nb: 1", "a:\n\n  # only a comment\nb: 1",
        "hero:\n  video: hero.mp4\n  start: 2.5\n  alt: A stack of mugs\n",
        "deep:\n  a:\n    b:\n      c: d\n  e: f\ng: h",
        "images:\n  - src: a.jpg\n    alt: A\n  - src: b.jpg\n    alt: B\n",
        "pickup:\n- location: Market hall\n  address: Hauptstraße 1\n  starts: 2026-12-05T10:00:00+01:00\n- location: B\n",
        "list:\n  - a\n  - 'b'\n  - \"c\"\nafter: x", "list:\n- a\n- b\nafter: x", "list:\n-  a\n-   b: c\n    d: e",
        "trailing: spaces   \nnext: one  ", "key with spaces: v", "key-with-dashes: v", "k: 2026-12-04", "k: 24.50",
        "k: -5", "k: - 5", "k: a - b", "k: ünïcödé ✓", "ключ: значение", "日本: 語", "emoji: 😀 ok", "k: 5 €",
        "k: O'Neil", "k: a\u{00A0}b", "k: \u{00A0}", "k: x\u{2028}y", "k: x\u{0085}y", "k: \u{FEFF}x", "k: a\u{301}",
        "k: 'a'  # c", "k: 'a'#c", "k: \"a\" x", "k: \"a\\\"b\"", "k: \"a\\nb\"", "k: 'a", "k: \"a", "k: ''", "k: \"\"",
        "k: ' padded '", "k: a: b", "k: a:", "k: a:b", "k:a", "k :a", "k  : a", "a: 1\na: 2", "a: 1\n\"a\": 2",
        "<<: {a: 1}", "base: &b\n  a: 1\nother:\n  <<: *b", "k: &anchor v", "k: *alias", "k: !!str 5", "k: !tag v",
        "k: |\n  block\n  text", "k: >\n  folded", "k: {a: b}", "k: @x", "k: `x`", "k: %x", "? complex\n: v",
        "k: : x", "k: ? x", "k: multi\n  line", "k: multi\n\n  line", "k:\n  plain on next line", "k:\tv",
        "\tk: v", "k: v\r\nl: w", "k: v\n ", "k: v\n  # indented comment\nl: w", "  indented: top\n  level: map",
        "a:\n    b: 1\n  c: 2", "a: 1\n b: 2", "a:\n  - x\n  b: 1", "a:\n  - x\n - y", "a:\n  -\n  - y", "a:\n  - - x",
        "a:\n  - # c\n    b", "- top\n- list", "just a scalar", "", "# only comments\n", "--- \nk: v", "k: v\n...\n",
        "k: v\n---\nl: w", "%YAML 1.1\n---\nk: v", "k: [a, b]\n  more: x", "k: v # c: d", "k: a #b\n  c: d",
        "-k: v", "?k: v", "k[0]: v", "a#b: c", "a #b: c", "k: x\u{7F}", "k: \u{1}", String(repeating: "k", count: 1100) + ": v",
        "k: v\n\n\n", "k: \"a  b  \"", "- a: 1\n  b: 2\n- c", "a:\n- b:\n  - c\n  d: e\n- f",
    ]

    @Test(arguments: cases) func matchesYams(yaml: String) {
        _ = SimpleYAMLCheck.compare(yaml)
    }

    @Test func commonFrontMatterTakesTheFastPath() {
        let common = [
            "title: Drop number 7\ncreator: maker-0007\nprice: 17\nedition: 20\nremaining: 7\nopens: 2026-01-08T18:00:00+01:00\n"
                + "policy: standard\ntags: [tag-01, tag-17, tag-33]\nbuy_url: https://shop.bench.example/drop-00007",
            "hero:\n  video: hero.mp4\n  start: 2.5\n  alt: A stack of mugs\n",
            "images:\n  - src: a.jpg\n    alt: A\n  - src: b.jpg\n    alt: B\n",
            "pickup:\n- location: Market hall\n  address: Hauptstraße 1\n  starts: 2026-12-05T10:00:00+01:00\n",
            "title: \"Quoted: title\"\nnote: 'it''s'  # comment\n\nempty:\n",
        ]
        for yaml in common {
            #expect(SimpleYAML.compose(yaml) != nil, "\(yaml)")
        }
    }

    /// Every front matter and YAML file of the sample site.
    @Test func sampleSite() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var documents: [String] = [try String(contentsOf: root.appendingPathComponent("dropgen.yaml"), encoding: .utf8)]
        for folder in ["content", "data"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                if url.pathExtension == "md", let (yaml, _) = FrontMatterSplit(text)?.parts {
                    documents.append(yaml)
                } else if url.pathExtension == "yaml" || url.pathExtension == "yml" {
                    documents.append(text)
                }
            }
        }
        #expect(documents.count > 10)
        let handled = documents.filter { SimpleYAMLCheck.compare($0) }.count
        #expect(handled > documents.count / 2)
    }

    /// Documents put together from the pieces above, with random indentation, comments and
    /// mistakes: the fast path must never disagree with Yams.
    @Test func generatedDocuments() {
        var generator = YAMLGenerator(seed: 20261204)
        var handled = 0
        for _ in 0..<4000 where SimpleYAMLCheck.compare(generator.document()) { handled += 1 }
        #expect(handled > 400)
    }
}

enum SimpleYAMLCheck {
    /// Whether the fast path handled `yaml`; records an issue when it disagrees with Yams.
    static func compare(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let fast = SimpleYAML.compose(yaml)
        let reference: Node?
        do {
            reference = try Yams.compose(yaml: yaml, mergeOnly, .default, .utf8)
        } catch {
            #expect(fast == nil, "Yams refuses this, the fast path does not:\n\(yaml)", sourceLocation: sourceLocation)
            return false
        }
        guard let fast else { return false }
        guard let reference else {
            Issue.record("Yams finds no document, the fast path does:\n\(yaml)", sourceLocation: sourceLocation)
            return false
        }
        let differences = SimpleYAML.differences(fast, reference)
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))\nin:\n\(yaml)", sourceLocation: sourceLocation)
        #expect(fast == YAMLNode(reference), sourceLocation: sourceLocation)
        return true
    }
}

/// Deterministic pseudo-random numbers (SplitMix64), so a failure repeats.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
}

/// Front-matter-like YAML: mostly the plain forms, sometimes anything else.
struct YAMLGenerator {
    var random: SplitMix
    init(seed: UInt64) { random = SplitMix(state: seed) }

    static let simpleKeys = ["title", "a", "my key", "key-with-dash", "k_2", "ü", "url", "x[0]", "a#b", "日本"]
    static let oddKeys = ["key ", "\"q\"", "'s'", "-k", "?k", "<<", "&a k", "k:v", "k #c", "? k", "!t k", "*a", "-", "%k", "k\t"]
    static let simpleValues = ["hello", "hello world", "a  b", "24", "24.50", "2026-12-04T18:00:00+01:00", "~", "null", "true",
                               "https://x/y#z", "b #c", "b#c", "café", "日本語", "a:b", "-5", "a - b", "x,y", "x]", "'it''s'",
                               "\"a: b\"", "' x '", "\"\"", "''", "[a, b]", "[]", "[ ]", "[ 'a', \"b\" ]", "[a b, c]", "O'Neil",
                               "😀 emoji", "a # b # c", "a ", "5 €", "a?b", "a!b&c*d", "[a, 'b''c']"]
    static let oddValues = ["\"a\\\"b\"", "'a", "\"a", "&a x", "*a", "!!str x", "|", ">", "{a: b}", "a: b", "@x", "`x`",
                            "%x", "? x", ": x", "a:", "[a, ]", "[a:b]", "[a, [b]]", "[a", "[a] #c", "[a]#c", "[a] x", "[-a]",
                            "[a, , b]", "'a'#c", "'a' #c", "\"a\" x", "- a", "-", "a\u{00A0}b", "\u{00A0}", "tab\there",
                            "x\u{2028}y", "#", "\u{85}", "a\u{FEFF}", "[\"a\\tb\"]", "[a #b]", "[{a: b}]", "'a''", "'a'''"]
    static let trailers = ["", "", "", "", "  ", " # comment", " #", "\t"]

    mutating func key() -> String { random.chance(6) ? random.pick(Self.oddKeys) : random.pick(Self.simpleKeys) }
    mutating func value() -> String { random.chance(10) ? random.pick(Self.oddValues) : random.pick(Self.simpleValues) }
    mutating func trailer() -> String { random.pick(Self.trailers) }
    mutating func step() -> Int { random.chance(85) ? 2 : 1 + random.int(4) }

    mutating func document() -> String {
        var lines: [String] = []
        mapping(indent: 0, depth: 0, first: nil, into: &lines)
        if random.chance(15), !lines.isEmpty {
            let index = random.int(lines.count)
            switch random.int(6) {
            case 0: lines[index] = " " + lines[index]
            case 1: if lines[index].hasPrefix(" ") { lines[index].removeFirst() }
            case 2: lines.insert(String(repeating: " ", count: random.int(6)) + "# comment", at: index)
            case 3: lines.insert(String(repeating: " ", count: random.int(4)), at: index)
            case 4: lines.insert(lines[index], at: index)
            default: lines[index] += "\n" + String(repeating: " ", count: 1 + random.int(4)) + random.pick(Self.simpleValues)
            }
        }
        return lines.joined(separator: "\n") + (random.chance(50) ? "\n" : "")
    }

    /// A mapping at `indent`; `first` is what precedes its first key on that line (`- `).
    mutating func mapping(indent: Int, depth: Int, first: String?, into lines: inout [String]) {
        for index in 0..<(1 + random.int(4)) {
            let lead = index == 0 ? first ?? String(repeating: " ", count: indent) : String(repeating: " ", count: indent)
            if index > 0, random.chance(10) { lines.append(random.chance(50) ? "" : String(repeating: " ", count: random.int(6)) + "# note") }
            let key = key()
            switch depth < 3 ? random.int(10) : random.int(7) {
            case 0..<6: lines.append(lead + key + ":" + String(repeating: " ", count: random.chance(90) ? 1 : 2) + value() + trailer())
            case 6: lines.append(lead + key + ":" + trailer())
            case 7:
                lines.append(lead + key + ":" + trailer())
                mapping(indent: indent + step(), depth: depth + 1, first: nil, into: &lines)
            case 8:
                lines.append(lead + key + ":" + trailer())
                sequence(indent: indent + step(), depth: depth + 1, into: &lines)
            default:
                lines.append(lead + key + ":" + trailer())
                sequence(indent: indent, depth: depth + 1, into: &lines)
            }
        }
    }

    mutating func sequence(indent: Int, depth: Int, into lines: inout [String]) {
        let lead = String(repeating: " ", count: indent)
        for _ in 0..<(1 + random.int(3)) {
            if random.chance(35) {
                let gap = random.chance(85) ? 1 : 2
                mapping(indent: indent + 1 + gap, depth: depth + 1, first: lead + "-" + String(repeating: " ", count: gap), into: &lines)
            } else {
                lines.append(lead + "- " + value() + trailer())
            }
        }
    }
}
