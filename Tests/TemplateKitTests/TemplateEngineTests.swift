import Foundation
import Mustache
import Testing
@testable import TemplateKit

/// The template engine against swift-mustache, the renderer it replaces: same templates, same
/// data, byte-identical output.
@Suite struct TemplateEngineTests {
    // MARK: - Differential cases

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        /// Rendered: "main". Other entries are partials and parents.
        var templates: [String: String]
        var data: TemplateValue

        init(_ label: String, _ main: String, _ data: TemplateValue = [:], partials: [String: String] = [:]) {
            self.label = label
            self.templates = partials.merging(["main": main]) { _, main in main }
            self.data = data
        }

        var testDescription: String { label }
    }

    static let people: TemplateValue = [
        "site": "Market",
        "people": [
            ["name": "Ada", "city": "London", "tags": ["math", "engines"]],
            ["name": "Grace", "tags": []],
            ["name": "Linus <3", "city": "", "admin": true],
        ],
    ]

    static let cases: [Case] = [
        // Variables and escaping
        Case("plain text", "Hello, world.\nSecond line\n\nFourth\n"),
        Case("variable", "Hello, {{name}}!", ["name": "World"]),
        Case("escaping", "{{x}}|{{{x}}}|{{& x}}|{{&x}}", ["x": "<a href=\"x\" title='y'>&amp; & </a>"]),
        Case("unicode text and values", "Café — {{x}} ✓\n", ["x": "Grüße <b>🎉</b> \u{00A0}é"]),
        Case("numbers and flags", "{{n}} {{z}} {{big}} {{t}} {{f}} {{{n}}}", ["n": -42, "z": 0, "big": 9_007_199_254_740_993, "t": true, "f": false]),
        Case("missing variables", "[{{missing}}][{{{missing}}}][{{& missing}}][{{a.b}}]"),
        Case("whitespace inside tags", "{{  name  }}|{{{ name }}}|{{&   name}}|{{# flag }}y{{/ flag }}|{{^ flag }}n{{/  flag}}|{{\tname\t}}",
             ["name": "N", "flag": true]),
        Case("empty name is the current value", "{{#l}}[{{}}]{{/l}}", ["l": ["a", "<b>"]]),
        Case("single braces are text", "a { b } {x} }} {{x}}{ } z", ["x": "X"]),
        // Dotted names and the context stack
        Case("dotted names", "{{a.b.c}}|{{#a}}{{b.c}}{{/a}}|{{#a.b}}{{c}}{{/a.b}}", ["a": ["b": ["c": "deep"]]]),
        Case("dotted name that misses does not fall back", "[{{a.x.c}}][{{#a}}{{x.c}}{{/a}}]", ["a": ["b": 1], "x": ["c": "outer"]]),
        Case("dotted name through a scalar", "[{{a.b}}][{{s.length}}][{{l.0}}]", ["a": 1, "s": "text", "l": ["x"]]),
        Case("anchored names", "[{{.name}}][{{#a}}{{.name}}|{{name}}|{{.x}}{{/a}}]{{#l}}[{{..}}]{{/l}}", ["name": "root", "x": "rx", "a": ["x": "ax"], "l": ["s"]]),
        Case("unicode whitespace inside tags", "[{{\u{00A0}x\u{3000}}}][{{#\u{2003}s }}y{{/s}}]", ["x": "X", "s": true]),
        Case("open delimiter before a newline", "a {{\nx}} b\n", ["x": "X"]),
        Case("open delimiter at the end", "x {{"),
        Case("implicit iterator", "{{#list}}({{.}}){{/list}}{{#list}}[{{{.}}}]{{/list}}", ["list": ["a", 1, true, false, "<&>"]]),
        Case("nested context stack", "{{#a}}{{#b}}{{x}}{{y}}{{z}}{{/b}}{{/a}}", ["x": "root", "z": "rz", "a": ["x": "ax", "b": ["y": "by"]]]),
        Case("list elements see outer keys", "{{#people}}{{name}}@{{site}}{{#city}} in {{.}}{{/city}};{{/people}}", people),
        Case("nested lists", "{{#people}}{{name}}:{{#tags}}<{{.}}>{{/tags}}{{^tags}}none{{/tags}}|{{/people}}", people),
        Case("an outer key shadowed by a false", "{{#a}}[{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}]{{/a}}", ["flag": true, "a": ["flag": false]]),
        // Truthiness
        Case("sections by value", """
            t:{{#t}}{{name}}{{/t}} f:{{#f}}x{{/f}} m:{{#m}}x{{/m}} e:{{#e}}x{{/e}} l:{{#l}}<{{.}}>{{/l}} \
            s:{{#s}}[{{.}}]{{/s}} es:{{#es}}[{{.}}]{{/es}} z:{{#z}}[{{.}}]{{/z}} o:{{#o}}[{{k}}]{{/o}} eo:{{#eo}}[eo]{{/eo}}
            """, ["name": "N", "t": true, "f": false, "e": [], "l": [1, 2], "s": "str", "es": "", "z": 0, "o": ["k": "v"], "eo": [:]]),
        Case("inverted sections by value", """
            t:{{^t}}x{{/t}} f:{{^f}}x{{/f}} m:{{^m}}x{{/m}} e:{{^e}}x{{/e}} l:{{^l}}x{{/l}} \
            s:{{^s}}x{{/s}} es:{{^es}}x{{/es}} z:{{^z}}x{{/z}} o:{{^o}}x{{/o}} eo:{{^eo}}x{{/eo}}
            """, ["t": true, "f": false, "e": [], "l": [1, 2], "s": "str", "es": "", "z": 0, "o": ["k": "v"], "eo": [:]]),
        Case("inverted empty list is pushed", "{{^l}}{{#.}}x{{/.}}-{{name}}-{{^.}}empty{{/.}}{{/l}}", ["l": [], "name": "N"]),
        Case("true section keeps the context", "{{#a}}{{#t}}{{x}}{{/t}}{{/a}}", ["x": "root", "a": ["x": "ax", "t": true]]),
        Case("empty sections", "[{{#a}}{{/a}}][{{^a}}{{/a}}]", ["a": true]),
        // Comments and delimiters
        Case("comments", "a{{! comment }}b{{!}}c{{!no space}}d{{! } }}e"),
        Case("standalone comment", "a\n  {{! c }}\nb\n{{! at the start }}\n"),
        Case("multi-line comment", "a\n{{!\nline\n}}\nb\n  {{!\n  x\n  }}  \nc"),
        Case("comment not standalone keeps whitespace", "  {{! c }} x\n  y {{! c }}\n"),
        Case("comment at the end without newline", "a\n{{! x }}"),
        Case("comment at the end with trailing spaces", "a\n{{! x }}  "),
        Case("set delimiters", "{{=<% %>=}}<% x %>{{x}}<%={{ }}=%>{{x}}", ["x": "X"]),
        Case("set delimiters standalone", "a\n {{=| |=}}\n|x|\n|#s|\n|.|\n|/s|\n|={{ }}=|\nb{{x}}\n", ["x": "X", "s": ["one", "two"]]),
        Case("set delimiters with longer markers", "{{= [[[ ]]] =}}[[[x]]] [[[! c ]]] [[[{x]]]} [[[& x]]] {{x}}", ["x": "<>"]),
        Case("delimiters do not leak into partials", "{{=[ ]=}}[>p] [x]", ["x": "X"], partials: ["p": "{{x}}[x]"]),
        // Standalone lines
        Case("standalone section lines", "a\n{{#s}}\nb\n{{/s}}\nc\n", ["s": true]),
        Case("standalone lines with indentation", "a\n  {{#s}}\n  b\n  {{/s}}\n\t{{^s}}\t\nnot\n\t{{/s}}\t\nc", ["s": true]),
        Case("standalone lines with CRLF", "a\r\n{{#s}}\r\nb\r\n{{/s}}\r\n  {{^s}}  \r\nno\r\n{{/s}}\r\nc\r\n", ["s": true]),
        Case("standalone at the end without newline", "a\n{{#s}}b{{/s}}\n{{^x}}\nc\n{{/x}}", ["s": true]),
        Case("not standalone", "a {{#s}}\nb\n{{/s}} c\n{{#s}} d {{/s}}\n  {{#s}}x{{/s}}  \n", ["s": true]),
        Case("newline state follows the opening tag", "x {{#a}}\n{{/a}}\n{{#b}}\nB\n{{/b}}\n  {{#b}}\nC\n{{/b}}\n", ["a": true, "b": true]),
        Case("lone carriage returns", "a\r{{#s}}\rb{{/s}}\r\n{{#s}}\r{{/s}}\rc", ["s": true]),
        Case("vertical whitespace after a standalone tag", "a\n{{#s}}\u{0B}b\n{{/s}}\u{0C}c\n", ["s": true]),
        Case("list with standalone lines", "<ul>\n{{#people}}\n  <li>{{name}}</li>\n{{/people}}\n</ul>\n", people),
        Case("section tags with surrounding text", "{{#people}}<p>{{name}}</p>\n{{/people}}end", people),
        // Partials
        Case("partial", "[{{>p}}][{{> p }}]", ["x": "X"], partials: ["p": "P{{x}}"]),
        Case("missing partial", "[{{> nope}}]\n  {{> nope}}\nb"),
        Case("partial standalone indentation", "a\n  {{> p}}\nb\n", partials: ["p": "one\ntwo\n\nfour\n"]),
        Case("partial indentation nested", "a\n  {{> p}}\nb\n", ["x": "X"], partials: ["p": "1\n  {{> q}}\n2 {{x}}\n", "q": "x\ny {{x}}\n"]),
        Case("partial indentation with CRLF", "a\r\n  {{>p}}\r\nb", partials: ["p": "1\r\n2\r\n3"]),
        Case("partial indentation with sections", "<ul>\n  {{> p}}\n</ul>\n", ["items": ["a", "b"]],
             partials: ["p": "{{#items}}\n<li>{{.}}</li>\n{{/items}}\n{{^items}}\nnone\n{{/items}}\n"]),
        Case("partial indentation with empty tokens", "x\n\t{{> p}}\n", ["e": ""],
             partials: ["p": "a\n{{e}}{{missing}}b\n{{#missing}}m{{/missing}}\nc {{e}}\n{{e}}\n"]),
        Case("partial not standalone", "a {{>p}} b\n  {{>p}} c\n", partials: ["p": "1\n2\n"]),
        Case("partial with context", "{{#person}}{{>p}}{{/person}}{{>p}}", ["name": "root", "person": ["name": "Ada"]], partials: ["p": "<{{name}}>"]),
        Case("partial inside a list", "<ul>\n{{#people}}\n  {{> card}}\n{{/people}}\n</ul>\n", people,
             partials: ["card": "<li>\n  {{name}}\n  {{#city}}<i>{{.}}</i>{{/city}}\n</li>\n"]),
        // Inheritance
        Case("parent with overrides", "{{<parent}}{{$title}}Mine {{x}}{{/title}}{{/parent}}", ["x": "X"],
             partials: ["parent": "<h>{{$title}}Default{{/title}}</h>\n{{$body}}\nbody default\n{{/body}}\n"]),
        Case("parent without overrides", "{{<parent}}{{/parent}}", partials: ["parent": "[{{$a}}default a{{/a}}]"]),
        Case("theme-shaped page", "{{<layout}}\n{{$main}}\n<p>{{x}}</p>\n{{#l}}\n<i>{{.}}</i>\n{{/l}}\n{{/main}}\n{{/layout}}\n", ["x": "X", "l": [1, 2]],
             partials: ["layout": "<html>\n<main>\n{{$main}}{{/main}}\n</main>\n{{> footer}}\n</html>\n", "footer": "<footer>{{x}}</footer>\n"]),
        Case("indented block override", "{{<parent}}\n  {{$b}}\n    line1\n      line2\n    {{x}}\n  {{/b}}\n{{/parent}}", ["x": "X"],
             partials: ["parent": "start\n  {{$b}}\n  default\n  {{/b}}\nend\n"]),
        Case("indented block default", "{{<parent}}{{/parent}}", partials: ["parent": "<div>\n  {{$b}}\n  one\n    two\n  {{/b}}\n</div>\n"]),
        Case("multi-line override in an indented block", "{{<parent}}{{$b}}\nl1\nl2\n{{/b}}{{/parent}}",
             partials: ["parent": "<div>\n  {{$b}}\n  default\n  {{/b}}\n</div>"]),
        Case("nested inheritance", "{{<parent}}{{$b}}cb{{/b}}{{/parent}}|{{<parent}}{{$a}}ca{{/a}}{{/parent}}",
             partials: ["grand": "G[{{$a}}ga{{/a}}|{{$b}}gb{{/b}}|{{$c}}gc{{/c}}]", "parent": "{{<grand}}{{$a}}pa{{/a}}{{$c}}pc{{/c}}{{/grand}}"]),
        Case("overrides reach blocks in plain partials", "{{<layout}}{{$f}}child footer{{/f}}{{/layout}}",
             partials: ["layout": "<body>\n{{> footer}}\n</body>", "footer": "<footer>{{$f}}default footer{{/f}}</footer>"]),
        Case("text and comments inside a parent are ignored", "{{<p}}ignored text {{! c }}\n{{$a}}A{{/a}} more{{/p}}", partials: ["p": "[{{$a}}x{{/a}}]"]),
        Case("block without a parent renders its default", "{{$a}}{{x}} default{{/a}}", ["x": "X"]),
        Case("block overrides see the context", "{{#people}}{{<p}}{{$a}}{{name}}{{/a}}{{/p}};{{/people}}", people, partials: ["p": "<{{$a}}?{{/a}}>"]),
        Case("same override twice: the last wins", "{{<p}}{{$a}}one{{/a}}{{$a}}two{{/a}}{{/p}}", partials: ["p": "{{$a}}x{{/a}}"]),
        Case("indented parent tag", "x\n  {{<p}}\n  {{$a}}\n  A\n  {{/a}}\n  {{/p}}\ny\n", partials: ["p": "1\n{{$a}}{{/a}}\n2\n"]),
        Case("missing parent", "a{{<nope}}{{$a}}x{{/a}}{{/nope}}b"),
        Case("sections inside an indented override", "{{<p}}\n  {{$b}}\n    {{#l}}\n      <i>{{.}}</i>\n    {{/l}}\n    end\n  {{/b}}\n{{/p}}\n", ["l": [1, 2]],
             partials: ["p": "<div>\n  {{$b}}{{/b}}\n</div>\n"]),
        Case("override inside an indented partial", "<body>\n    {{> p}}\n</body>\n", partials: ["p": "{{<q}}{{$b}}\nB1\nB2\n{{/b}}{{/q}}\n", "q": "<q>\n  {{$b}}{{/b}}\n</q>\n"]),
    ]

    /// Templates both engines reject (the messages differ: ours name the problem and its line).
    static let rejected: [String] = [
        "{{#a}}", "{{/a}}", "{{#a}}{{/b}}", "{{x", "{{x}", "{{{x}}", "{{a b}}", "{{! x", "{{=<% %>}}", "{{= x =}}",
        "{{<p}}{{x}}{{/p}}", "{{<p}}{{#s}}{{/s}}{{/p}}", "{{<p}}{{> q}}{{/p}}", "{{<p}}{{=<% %>=}}<%$a%>x<%/a%><%/p%>",
        "{{$a}}", "{{<p}}", "{{%CONTENT_TYPE:}}", "a\n  {{^b}}\n",
    ]

    @Test(arguments: rejected)
    func rejectsWhatSwiftMustacheRejects(_ source: String) {
        #expect(Self.errors(["main": source]).count == 1)
        #expect(throws: (any Error).self) { try MustacheTemplate(string: source) }
    }

    @Test(arguments: cases)
    func matchesSwiftMustache(_ testCase: Case) throws {
        let (ours, theirs) = try Self.renderBoth(testCase.templates, testCase.data, "main")
        #expect(ours == theirs, "\(testCase.label)\nours:   \(ours.debugDescription)\ntheirs: \(theirs.debugDescription)")
    }

    // MARK: - The theme

    @Test(arguments: ThemeData.pages)
    func themeTemplatesMatchSwiftMustache(_ page: ThemeData.Page) throws {
        let (ours, theirs) = try Self.renderBoth(Theme.templates, page.value, page.template)
        #expect(!ours.isEmpty)
        #expect(ours == theirs, "\(page.template)/\(page.label) differs:\n\(Self.firstDifference(ours, theirs))")
    }

    @Test func everyThemeTemplateIsCovered() {
        let rendered = Set(ThemeData.pages.map(\.template))
        let included: Set = ["layout", "card", "footer", "styles"]
        #expect(Set(Theme.templates.keys).subtracting(rendered).subtracting(included).isEmpty)
    }

    @Test func unknownTemplateIsNil() throws {
        let library = try TemplateLibrary(["a": "x"])
        #expect(library.render("b", [:]) == nil)
        #expect(library.render("a", [:]) == "x")
    }

    // MARK: - Deliberate differences

    @Test func listsAndObjectsPrintNothing() throws {
        let library = try TemplateLibrary(["a": "[{{l}}][{{{o}}}][{{.}}]"])
        #expect(library.render("a", ["l": [1, 2], "o": ["k": "v"]]) == "[][][]")
    }

    @Test func quotesAreEscapedEvenBeforeCombiningMarks() throws {
        let library = try TemplateLibrary(["a": "<a title=\"{{x}}\">"])
        #expect(library.render("a", ["x": "\"\u{301} onmouseover=alert(1) '\u{301}<\u{338}"])
            == "<a title=\"&quot;\u{301} onmouseover=alert(1) &#39;\u{301}&lt;\u{338}\">")
    }

    @Test func trailingBraceIsText() throws {
        let library = try TemplateLibrary(["a": "x {"])
        #expect(library.render("a", [:]) == "x {")
    }

    // MARK: - Syntax errors

    /// Exact texts, as dropgen prints them, are asserted in SiteBuilderTests' TemplateErrorTests.
    static func errors(_ sources: [String: String]) -> [TemplateError] {
        do {
            _ = try TemplateLibrary(sources)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func errorsNameTheTemplateLineAndColumn() {
        #expect(Self.errors(["a": "x\n  {{^items}}{{#b}}{{/b}}"]).map(\.description)
            == ["a:2:3: inverted section `items` opened on line 2 is never closed"])
        #expect(Self.errors(["a": "ok", "b": "x {{> b}}"]).map(\.description) == ["b:1:3: partials include each other in a loop: b → b"])
        // Nesting too deep across partials is a chain of templates, not a place in one.
        let sections = String(repeating: "{{#s}}", count: 60) + "{{> b}}" + String(repeating: "{{/s}}", count: 60)
        #expect(Self.errors(["a": sections, "b": sections.replacingOccurrences(of: "{{> b}}", with: "")])
            == [TemplateError(template: "a", message: "sections, blocks and partials nest more than 100 deep: a → b")])
    }

    @Test func everyThemeTemplateParses() throws {
        _ = try TemplateLibrary(Theme.templates)
        #expect(Theme.templates.count >= 19)
    }

    // MARK: - Speed

    /// `ENGINE_BENCH=1 swift test --filter TemplateEngineTests/speed`: the drop page, both engines.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ENGINE_BENCH"] != nil))
    func speed() throws {
        let page = ThemeData.pages.first { $0.template == "drop" }!
        let ours = try TemplateLibrary(Theme.templates)
        var theirs = MustacheLibrary()
        for (name, source) in Theme.templates { try theirs.register(source, named: name) }
        let data = Self.any(page.value)
        let count = Int(ProcessInfo.processInfo.environment["ENGINE_BENCH"] ?? "") ?? 10_000
        let clock = ContinuousClock()
        var bytes = 0
        let oursTime = clock.measure { for _ in 0..<count { bytes &+= ours.render("drop", page.value)!.utf8.count } }
        let theirsTime = clock.measure { for _ in 0..<count { bytes &+= theirs.render(data, withTemplate: "drop")!.utf8.count } }
        print("drop page ×\(count): TemplateLibrary \(oursTime), swift-mustache \(theirsTime) (\(bytes) bytes)")
    }

    // MARK: - Helpers

    static func renderBoth(_ templates: [String: String], _ data: TemplateValue, _ name: String) throws -> (String, String) {
        let ours = try TemplateLibrary(templates)
        var theirs = MustacheLibrary()
        for (name, source) in templates { try theirs.register(source, named: name) }
        return (try #require(ours.render(name, data)), try #require(theirs.render(any(data), withTemplate: name)))
    }

    /// What swift-mustache reads: dictionaries, arrays and scalars.
    static func any(_ value: TemplateValue) -> Any {
        switch value {
        case .string(let text): text
        case .int(let number): number
        case .bool(let flag): flag
        case .list(let items): items.map(any)
        case .object(let fields): fields.mapValues(any)
        }
    }

    static func firstDifference(_ a: String, _ b: String) -> String {
        let a = Array(a.utf8), b = Array(b.utf8)
        let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let from = max(0, index - 80)
        return "at byte \(index):\nours:   \(String(decoding: a[from..<min(a.count, index + 80)], as: UTF8.self).debugDescription)"
            + "\ntheirs: \(String(decoding: b[from..<min(b.count, index + 80)], as: UTF8.self).debugDescription)"
    }
}

/// Hand-built page values for every theme template, shaped as `Contexts` and `Page` build them,
/// with a rich and a sparse variant of each (optional keys present and absent).
enum ThemeData {
    struct Page: Sendable, CustomTestStringConvertible {
        var template: String
        var label: String
        var value: TemplateValue
        var testDescription: String { "\(template) (\(label))" }
    }

    static let site: TemplateValue = [
        "title": "Kiln & Co. <Market>", "description": "Small-batch ceramics, \"weekly\" drops", "base_url": "https://test.example",
        "currency": "EUR", "locale": "en", "timezone": "Europe/Berlin", "has_badges": true,
    ]

    static func page(_ title: String, _ path: String, type: String = "website", image: Bool = false, extra: [String: TemplateValue] = [:]) -> TemplateValue {
        var fields: [String: TemplateValue] = [
            "title": .string(title), "path": .string(path), "canonical": .string("https://test.example" + path),
            "description": .string("A page about \(title) & more"), "og_type": .string(type),
        ]
        if image {
            fields["og_image"] = "https://test.example/media/mugs-poster-1280.jpg"
            fields["og_image_width"] = 1280
            fields["og_image_height"] = 720
            fields["json_ld"] = "{\"@type\":\"Product\",\"name\":\"Mugs \\u003cb\\u003e\"}"
        }
        for (key, value) in extra { fields[key] = value }
        return .object(fields)
    }

    static func time(_ iso: String, _ local: String) -> TemplateValue {
        ["iso": .string(iso), "local": .string(local), "day": "Fri 4 Dec", "clock": "18:00", "utc": "2026-12-04T17:00:00Z"]
    }

    static let mara: TemplateValue = ["id": "mara", "name": "Mara O'Neil", "url": "/creators/mara/", "location": "Leipzig"]
    static let ben: TemplateValue = ["id": "ben", "name": "Ben", "url": "/creators/ben/", "location": ""]

    /// A drop as a card sees it (`Contexts.drop(_:full: false)`).
    static func card(_ slug: String, state: String, creator: TemplateValue, price: Bool, rich: Bool) -> TemplateValue {
        var fields: [String: TemplateValue] = [
            "slug": .string(slug), "url": .string("/drops/\(slug)/"), "permalink": .string("https://test.example/drops/\(slug)/"),
            "title": .string("Drop \(slug) <\(state)>"), "summary": "A summary", "state": .string(state),
            "state_label": .string(state.capitalized), "is_\(state)": true, "can_buy": .bool(state == "live"), "creator": creator,
        ]
        if price {
            fields["price"] = "€34.00"
            fields["price_amount"] = "34.00"
        }
        if rich {
            fields["scarcity"] = "7 of 24 left"
            fields["remaining"] = 7
            fields["edition"] = 24
            fields["per_customer_limit"] = 2
            fields["opens"] = time("2026-12-04T18:00:00+01:00", "Fri 4 Dec 2026, 18:00")
            fields["closes"] = time("2026-12-06T18:00:00+01:00", "Sun 6 Dec 2026, 18:00")
            fields["thumbnail"] = ["src": .string("/media/\(slug)-640.webp"), "width": 640, "height": 360]
        }
        return .object(fields)
    }

    static func fullDrop(rich: Bool) -> TemplateValue {
        var drop = card("mugs", state: rich ? "early_access" : "closed", creator: rich ? mara : ben, price: rich, rich: rich)
        drop["body"] = "<p>Twenty-four mugs, <strong>signed</strong> on the foot.</p>\n<ul>\n<li>glazed</li>\n</ul>\n"
        drop["calendar"] = "/drops/mugs/drop.ics"
        drop["share_text"] = "Mugs by Mara"
        drop["has_pickup"] = .bool(rich)
        drop["has_images"] = .bool(rich)
        drop["has_tags"] = .bool(rich)
        drop["tags"] = rich ? [["name": "ceramics", "url": "/tags/ceramics/"], ["name": "mugs & cups", "url": "/tags/mugs/"]] : []
        drop["events"] = rich ? [["title": "Winter market", "url": "/events/winter/", "when": "Sat 5 Dec 2026, 10:00–14:00"]] : []
        drop["pickup"] = rich ? [
            ["location": "Market stall 14", "address": "Marktplatz 1", "starts": time("2026-12-05T09:00:00+01:00", "Sat 5 Dec 2026, 09:00"),
             "ends": time("2026-12-05T14:00:00+01:00", "Sat 5 Dec 2026, 14:00"), "when": "Sat 5 Dec 2026, 09:00–14:00"],
            ["location": "Studio", "starts": time("2026-12-06T09:00:00+01:00", "Sun 6 Dec 2026, 09:00"),
             "ends": time("2026-12-06T10:00:00+01:00", "Sun 6 Dec 2026, 10:00"), "when": "Sun 6 Dec 2026, 09:00–10:00"],
        ] : []
        drop["images"] = rich ? [
            ["alt": "A mug \"from above\"", "src": "/media/mug-1280.webp", "srcset": "/media/mug-640.webp 640w, /media/mug-1280.webp 1280w",
             "width": 1280, "height": 960, "placeholder": "data:image/webp;base64,UklGRh4AAABXRUJQ"],
            ["alt": "", "src": "/media/foot-1280.webp", "srcset": "/media/foot-1280.webp 1280w", "width": 1280, "height": 853, "placeholder": ""],
        ] : []
        if rich {
            drop["compare_at"] = "€42.00"
            drop["compare_at_amount"] = "42.00"
            drop["price_until"] = time("2026-12-05T18:00:00+01:00", "Sat 5 Dec 2026, 18:00")
            drop["buy_url"] = "https://shop.example/mugs?ref=a&b=c"
            drop["early_access"] = [
                "opens": time("2026-12-03T18:00:00+01:00", "Thu 3 Dec 2026, 18:00"),
                "badges": [["name": "Early bird", "url": "/badges/early/"], ["name": "Regular", "url": "/badges/regular/"]],
            ]
            drop["policy"] = ["title": "Refunds", "url": "/policies/refunds/", "promise": "Refunds within 14 days · disputes answered within 24 h"]
            drop["hero"] = [
                "alt": "Mugs turning", "poster": "/media/mugs-poster-1280.jpg", "poster_srcset": "/media/mugs-poster-1280.jpg 1280w",
                "width": 1280, "height": 720,
                "sources": [["src": "/media/mugs.av1.mp4", "type": "video/mp4; codecs=av01"], ["src": "/media/mugs.h264.mp4", "type": "video/mp4"]],
            ]
        } else {
            drop["policy"] = ["title": "As is", "url": "/policies/as-is/", "promise": ""]
        }
        return drop
    }

    static func cards(rich: Bool) -> TemplateValue {
        rich ? [
            card("mugs", state: "live", creator: mara, price: true, rich: true),
            card("bowls", state: "scheduled", creator: ben, price: false, rich: true),
            card("plates", state: "sold_out", creator: mara, price: true, rich: false),
        ] : []
    }

    static let badges: TemplateValue = [
        ["id": "early", "name": "Early bird", "url": "/badges/early/", "icon": "🐦", "criteria": "Bought in the first hour", "for": "buyer",
         "for_buyers": true, "holder_count": 12, "rule": "orders.first_hour >= 1", "named_buyers": [["name": "Ann"], ["name": "Bo <b>"]],
         "unnamed_buyer_count": 10, "holders": []],
        ["id": "kiln", "name": "Kiln master", "url": "/badges/kiln/", "icon": "", "criteria": "Fired 100 pieces", "for": "creator",
         "for_buyers": false, "holder_count": 1, "holders": [["name": "Mara O'Neil", "url": "/creators/mara/", "figure": "120 pieces"]]],
        ["id": "new", "name": "Newcomer", "url": "/badges/new/", "icon": "✨", "criteria": "First drop", "for": "creator",
         "for_buyers": false, "holder_count": 0, "holders": []],
    ]

    static func creator(rich: Bool) -> TemplateValue {
        var creator: TemplateValue = rich ? mara : ben
        creator["summary"] = "Potter"
        creator["bio"] = "<p>Throws <em>everything</em> by hand.</p>\n"
        creator["drop_count"] = rich ? 3 : 0
        creator["drops"] = cards(rich: rich)
        creator["badges"] = rich ? [["name": "Kiln master", "url": "/badges/kiln/", "icon": "🔥", "figure": "120 pieces"], ["name": "Newcomer", "url": "/badges/new/", "icon": ""]] : []
        creator["links"] = rich ? [["label": "Instagram", "url": "https://instagram.example/mara"], ["label": "Site", "url": "https://mara.example/?a=1&b=2"]] : []
        if rich {
            creator["avatar"] = ["src": "/media/mara-256.webp", "srcset": "/media/mara-256.webp 256w", "width": 256, "height": 256, "alt": "Mara"]
        }
        return creator
    }

    static func event(rich: Bool, drops: TemplateValue) -> TemplateValue {
        var event: TemplateValue = [
            "id": "winter", "title": "Winter market", "url": "/events/winter/", "location": "Hall", "when": "Sat 5 Dec 2026, 10:00–18:00",
            "starts": time("2026-12-05T10:00:00+01:00", "Sat 5 Dec 2026, 10:00"), "ends": time("2026-12-05T18:00:00+01:00", "Sat 5 Dec 2026, 18:00"),
            "body": "<p>Come by.</p>", "drops": drops,
        ]
        if rich { event["address"] = "Messe 2" }
        return event
    }

    static func policy(rich: Bool) -> TemplateValue {
        ["id": "refunds", "title": "Refunds", "url": "/policies/refunds/", "summary": rich ? "Money back, no questions" : "",
         "promise": "Refunds within 14 days", "body": "<p>Write to us.</p>\n"]
    }

    static func pages(rich: Bool) -> [Page] {
        let label = rich ? "rich" : "sparse"
        func make(_ template: String, _ title: String, _ path: String, type: String = "website", image: Bool = false,
                  pageExtra: [String: TemplateValue] = [:], _ fields: [String: TemplateValue]) -> Page {
            var value: [String: TemplateValue] = ["site": site, "page": page(title, path, type: type, image: image, extra: pageExtra)]
            for (key, field) in fields { value[key] = field }
            return Page(template: template, label: label, value: .object(value))
        }
        var siteValue = site
        if !rich { siteValue["description"] = "" }
        let cards = cards(rich: rich)
        let slots: TemplateValue = [
            ["time": time("2026-12-04T18:00:00+01:00", "Fri 4 Dec 2026, 18:00"), "drops": cards, "empty": .bool(!rich)],
            ["time": time("2026-12-11T18:00:00+01:00", "Fri 11 Dec 2026, 18:00"), "drops": [], "empty": true],
        ]
        let dropPageExtra: [String: TemplateValue] = rich
            ? ["product_price": "34.00", "product_currency": "EUR", "preload_image": "/media/mugs-poster-1280.jpg",
               "preload_srcset": "/media/mugs-poster-640.jpg 640w, /media/mugs-poster-1280.jpg 1280w"]
            : ["robots": "noindex"]
        var pages = [
            Page(template: "home", label: label, value: [
                "site": siteValue, "page": page("Kiln & Co.", "/"),
                "live": rich ? [cards.listItem(0)] : [], "upcoming": rich ? [cards.listItem(1)] : [],
                "recently_ended": cards, "creators": rich ? [mara, ben] : [],
            ]),
            make("drop", "Mugs · Kiln & Co.", "/drops/mugs/", type: "product", image: rich, pageExtra: dropPageExtra, ["drop": fullDrop(rich: rich)]),
            make("drops", "All drops", "/drops/", [
                "drops": cards,
                "pagination": rich ? ["current": 2, "total": 3, "previous": "/drops/", "next": "/drops/page/3/"] : false,
                "tags": rich ? [["name": "ceramics", "url": "/tags/ceramics/", "count": 2]] : [],
            ]),
            make("creator", "Mara · Kiln & Co.", "/creators/mara/", image: rich, ["creator": creator(rich: rich)]),
            make("creators", "Makers", "/creators/", ["creators": rich ? [creator(rich: true), creator(rich: false)] : []]),
            make("badges", "Badges", "/badges/", ["badges": rich ? badges : []]),
            make("badge", "Early bird", "/badges/early/", ["badge": rich ? badges.listItem(0) : badges.listItem(2), "body": "<p>Badge text</p>"]),
            make("tag", "#ceramics", "/tags/ceramics/", ["tag": "ceramics & <clay>", "drops": cards]),
            make("policy", "Refunds", "/policies/refunds/", ["policy": policy(rich: rich)]),
            make("redirect", "Mugs", "/old-mugs/", pageExtra: ["robots": "noindex"], ["alias": "/old-mugs/", "target": "/drops/mugs/?a=1&b=2", "drop": ThemeData.cards(rich: true).listItem(0)]),
            make("schedule", "Schedule", "/schedule/", rich
                ? ["slots": slots, "other": cards, "has_cadence": true]
                : ["upcoming": []]),
            make("pickups", "Pickups", "/pickups/", ["days": rich ? [
                ["day": "Sat 5 Dec", "items": [
                    ["location": "Stall 14", "address": "Marktplatz 1", "when": "Sat 5 Dec 2026, 09:00–14:00",
                     "starts": time("2026-12-05T09:00:00+01:00", "Sat 5 Dec 2026, 09:00"), "drop": ["title": "Mugs", "url": "/drops/mugs/"]],
                    ["location": "Hall", "when": "Sat 5 Dec 2026, 10:00–18:00", "starts": time("2026-12-05T10:00:00+01:00", "Sat 5 Dec 2026, 10:00"),
                     "event": ["title": "Winter market", "url": "/events/winter/"]],
                ]],
            ] : []]),
            make("trust", "Trust & policies", "/trust/", ["policies": rich ? [policy(rich: true), policy(rich: false)] : [], "badges": rich ? badges : []]),
            make("event", "Winter market", "/events/winter/", ["event": event(rich: rich, drops: cards)]),
            make("404", "Not found", "/404.html", pageExtra: ["robots": "noindex"], [:]),
        ]
        if rich {
            // A schedule without a cadence but with upcoming drops.
            pages.append(make("schedule", "Schedule", "/schedule/", ["upcoming": cards]))
            pages[pages.count - 1].label = "no cadence"
        }
        return pages
    }

    static let pages: [Page] = pages(rich: true) + pages(rich: false)
}

private extension TemplateValue {
    func listItem(_ index: Int) -> TemplateValue {
        guard case .list(let items) = self else { return self }
        return items[index]
    }
}
