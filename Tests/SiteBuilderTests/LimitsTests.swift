import Foundation
import Publisher
import TemplateKit
import Testing
@testable import SiteBuilder
@testable import SiteSource

/// Inputs built to crash, flood or stall the loader and the template engine: each is refused
/// with one clear error (or handled in linear time), never a stack overflow.
@Suite struct LimitsTests {
    // MARK: - YAML nesting

    /// `n` block mappings inside each other: `k0:` / ` k1:` / `  k2:` …
    static func nestedMappings(_ n: Int) -> String {
        (0..<n).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + "\n"
    }

    static let tooDeep = "invalid YAML: lists and mappings nested too deep (the limit is 200 levels)"

    static func composed(_ yaml: String) -> Result<YAMLNode?, Diagnostic> {
        Result { () throws(Diagnostic) in try YAMLSource(file: "x.md", lineOffset: 1).compose(yaml) }
    }

    /// The fast path reads shallow documents itself, leaves deeper ones to Yams, and more than
    /// `yamlMaxDepth` levels are refused before Yams sees them.
    @Test(arguments: [(2, true), (SimpleYAML.maxDepth, true), (SimpleYAML.maxDepth + 1, false), (yamlMaxDepth, false)])
    func nestingWithinTheLimitLoads(depth: Int, fast: Bool) throws {
        let yaml = Self.nestedMappings(depth)
        #expect((SimpleYAML.compose(yaml) != nil) == fast)
        if fast { #expect(SimpleYAMLCheck.compare(yaml)) }
        var node = try #require(try Self.composed(yaml).get())
        var levels = 0
        while let mapping = node.mapping {
            levels += 1
            node = mapping.first!.value
        }
        #expect(levels == depth)
    }

    static let deepDocuments: [(String, String)] = [
        ("201 block mappings", nestedMappings(201)),
        ("1,000 block mappings", nestedMappings(1000)),
        ("201 compact lists", "k:\n" + String(repeating: "- ", count: 201) + "x\n"),
        ("150 mappings holding 51 flow lists", nestedMappings(150).dropLast() + " [\n" + String(repeating: "[", count: 50) + String(repeating: "]", count: 51) + "\n"),
        ("4,000 block mappings", nestedMappings(4000)),
        ("100,000 flow lists", "k: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"),
        ("100,000 flow mappings", "k: " + String(repeating: "{a: ", count: 100_000) + String(repeating: "}", count: 100_000) + "\n"),
        ("2,000 block lists", "k:\n" + (0..<2000).map { String(repeating: " ", count: $0) + "-" }.joined(separator: "\n") + " x\n"),
    ]

    @Test(arguments: deepDocuments)
    func nestingPastTheLimitIsAnError(label: String, yaml: String) {
        #expect(SimpleYAML.compose(yaml) == nil)
        guard case .failure(let diagnostic) = Self.composed(yaml) else {
            Issue.record("\(label): loaded")
            return
        }
        #expect(diagnostic.message == Self.tooDeep, "\(label)")
    }

    /// macOS gives secondary threads (the ones loading runs on) 512 KB of stack: YAML at the
    /// deepest allowed, and past it, must load or fail there too (999 levels, which libyaml
    /// takes, overflowed it while Yams composed them).
    @Test(arguments: [200, 201, 999, 4000])
    func deepYAMLOnASmallStack(depth: Int) async {
        let yaml = Self.nestedMappings(depth)
        let outcome: String = await withCheckedContinuation { continuation in
            let thread = Thread {
                switch Self.composed(yaml) {
                case .success: continuation.resume(returning: "loaded")
                case .failure(let diagnostic): continuation.resume(returning: diagnostic.message)
                }
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        #expect(outcome == (depth <= yamlMaxDepth ? "loaded" : Self.tooDeep))
    }

    /// 4,000 indented levels of front matter used to overflow the stack and kill `serve`.
    @Test func deepFrontMatterFailsTheBuild() async throws {
        let deep = "deep:\n" + (1..<4000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n")
        let site = try Fixture.site(["content/drops/mugs.md": Fixture.drop(deep)])
        let errors = try await site.errors()
        #expect(errors == ["content/drops/mugs.md:214:201: \(Self.tooDeep)"], "\(errors)")
    }

    /// `publish` reads dropgen.yaml on its own: the same limit holds there.
    @Test func deepPublishConfigIsAnError() throws {
        let site = try Fixture.site(["dropgen.yaml": Fixture.config + "publish:\n" + (1...999).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n")])
        let failure = try #require(throws: BuildFailed.self) { try PublishConfig.load(siteRoot: site.root) }
        #expect(failure.diagnostics.map(\.description) == ["dropgen.yaml:205:201: invalid YAML: lists and mappings nested too deep (the limit is 200 levels)"])
    }

    // MARK: - Linear time

    /// Marks on one long line count on from the previous one: 50,000 items would take minutes
    /// when each mark counted from the start of the line, and take milliseconds now.
    @Test(.timeLimit(.minutes(1)), arguments: ["plain", "quoted"])
    func longFlowListOnOneLine(style: String) throws {
        let items = (0..<50_000).map { style == "plain" ? "tag-\($0)" : "'tag \($0)'" }
        let yaml = "title: Many\ntags: [" + items.joined(separator: ", ") + "]\n"
        #expect(SimpleYAMLCheck.compare(yaml))
        let node = try #require(SimpleYAML.compose(yaml))
        let tags = try #require(node.mapping?["tags"]?.sequence)
        #expect(tags.count == 50_000)
        let lastColumn = "tags: [".count + items.dropLast().reduce(0) { $0 + $1.count + 2 } + 1
        #expect(tags[49_999].mark?.column == lastColumn)
    }

    // MARK: - Error floods

    /// One mapping with 100 unknown keys, aliased into 20 images: 20 × (100 + 2 missing keys)
    /// diagnostics. A million of them (1,000 × 1,000) took over 4 GB when all were kept.
    @Test func aliasedMistakesArePrintedUpToTheCap() async throws {
        let keys = (0..<100).map { "k\(String(format: "%03d", $0)): 0" }.joined(separator: ", ")
        let images = "images: [&w {\(keys)}" + String(repeating: ", *w", count: 19) + "]"
        let site = try Fixture.site(["content/drops/mugs.md": Fixture.drop(images)])
        do {
            try await site.build()
            Issue.record("the build succeeded")
        } catch let failure as BuildFailed {
            #expect(failure.total == 2040)
            #expect(failure.diagnostics.count == DiagnosticLog.limit)
            let lines = failure.description.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.count == 102)
            #expect(lines[0] == "content/drops/mugs.md:14: images[0].alt: required key is missing")
            #expect(lines[1] == "content/drops/mugs.md:14: images[0].src: required key is missing")
            #expect(lines[40] == "content/drops/mugs.md:14:14: images[0].k000: unknown key")
            #expect(lines[100] == "and 1940 more")
            #expect(lines[101] == "2040 errors; nothing was written.")
        }
    }

    /// The kept diagnostics are the first ones by file, line and column, whatever the order
    /// they were found in; the count is every one.
    @Test func theLogKeepsTheFirstHundred() {
        var log = DiagnosticLog()
        let all = (0..<1000).map { Diagnostic(file: "content/drops/d\(String(format: "%04d", $0)).md", line: 1, message: "bad") }
        for diagnostic in all.shuffled() { log.add(diagnostic) }
        #expect(log.count == 1000)
        #expect(log.all == Array(all.prefix(100)))
        var merged = DiagnosticLog()
        merged.add(contentsOf: log)
        merged.add(contentsOf: BuildFailed(Array(all.prefix(150))))
        #expect(merged.count == 1150)
        #expect(BuildFailed(merged).listing.hasSuffix("\nand 1050 more"))
        #expect(BuildFailed([all[0]]).description == "content/drops/d0000.md:1: bad\n1 error; nothing was written.")
    }

    // MARK: - Templates

    static func templateErrors(_ sources: [String: String]) -> [String] {
        do {
            _ = try Templates.library(sources)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func partialsThatIncludeThemselvesAreRefused() {
        #expect(Self.templateErrors(["a": "x {{> a}}"])
            == ["templates/a.mustache:1:3: template error: partials include each other in a loop: a → a"])
        #expect(Self.templateErrors(["a": "one\n  {{> b}}\n", "b": "{{#items}}{{>c}}{{/items}}", "c": "{{<a}}{{/a}}", "d": "{{>a}}"])
            == ["templates/a.mustache:2:3: template error: partials include each other in a loop: a → b → c → a"])
        // Each loop once, at its first template by name.
        #expect(Self.templateErrors(["x": "{{>y}}", "y": "{{>x}}{{>z}}", "z": "{{>y}}"]) == [
            "templates/x.mustache:1:1: template error: partials include each other in a loop: x → y → x",
            "templates/y.mustache:1:7: template error: partials include each other in a loop: y → z → y",
        ])
        // Shared partials and missing ones are no loop.
        #expect(Self.templateErrors(["a": "{{>b}}{{>c}}{{>missing}}", "b": "{{>d}}", "c": "{{>d}}", "d": "d"]) == [])
    }

    @Test func nestingPastTheLimitIsATemplateError() {
        let limit = TemplateLibrary.maxDepth
        func sections(_ n: Int) -> String { String(repeating: "{{#a}}", count: n) + String(repeating: "{{/a}}", count: n) }
        #expect(Self.templateErrors(["a": sections(limit - 1)]) == [])
        #expect(Self.templateErrors(["a": sections(limit)]) == [
            "templates/a.mustache:1:\(1 + 6 * (limit - 1)): template error: sections, blocks and parents are nested more than \(limit) deep",
        ])
        #expect(Self.templateErrors(["a": String(repeating: "{{#a}}", count: 100_000)]).count == 1)
        // 30 templates of four sections each, each including the next: 150 levels in all.
        var chain: [String: String] = [:]
        let names = (0..<30).map { String(format: "p%02d", $0) }
        for (index, name) in names.enumerated() {
            chain[name] = String(repeating: "{{#s}}", count: 4) + (index + 1 < names.count ? "{{>\(names[index + 1])}}" : "")
                + String(repeating: "{{/s}}", count: 4)
        }
        #expect(Self.templateErrors(chain) == [
            "templates/p00.mustache: template error: sections, blocks and partials nest more than \(limit) deep: "
                + names.prefix(21).joined(separator: " → "),
        ])
    }

    /// Parsing and rendering at the deepest allowed, on a 512 KB stack (macOS's secondary threads).
    @Test func deepestTemplatesOnASmallStack() async throws {
        let limit = TemplateLibrary.maxDepth
        // A third as many templates of two sections and a partial each, and 99 sections in one:
        // 99 levels both. (The parser alone overflowed this stack below 50.)
        var sources = ["deep": String(repeating: "{{#a}}", count: limit - 1) + "x" + String(repeating: "{{/a}}", count: limit - 1)]
        for index in 0..<(limit - 1) / 3 {
            sources["p\(index)"] = "{{#a}}{{#a}}" + (index < (limit - 1) / 3 - 1 ? "{{> p\(index + 1)}}" : "y") + "{{/a}}{{/a}}"
        }
        let all = sources
        let outputs: [String?] = await withCheckedContinuation { continuation in
            let thread = Thread {
                let library = try? TemplateLibrary(all)
                continuation.resume(returning: [library?.render("deep", ["a": true]), library?.render("p0", ["a": true])])
            }
            thread.stackSize = 512 * 1024
            thread.start()
        }
        #expect(outputs == ["x", "y"])
    }

    @Test func aLoopInTheSiteTemplatesFailsTheBuild() async throws {
        let site = try Fixture.site(["templates/card.mustache": "<li>{{title}}</li>\n{{> footer}}\n", "templates/footer.mustache": "{{#x}}{{> card}}{{/x}}"])
        #expect(try await site.errors() == ["templates/card.mustache:2:1: template error: partials include each other in a loop: card → footer → card"])
    }

    // MARK: - Decompression bombs

    @Test func mediaOverThePixelCapIsAContentError() async throws {
        // A PNG header claiming 12000×12000 pixels: refused from it, before anything decodes the file.
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + Data("IHDR".utf8)
        png += Data([0, 0, 0x2E, 0xE0, 0, 0, 0x2E, 0xE0, 8, 0, 0, 0, 0, 0, 0, 0, 0])
        let site = try Fixture.site(["content/drops/mugs.md": nil,
                                     "content/drops/mugs/index.md": Fixture.drop("images:\n  - src: bomb.png\n    alt: A bomb")])
        try site.write("content/drops/mugs/bomb.png", png)
        #expect(try await site.errors() == [
            "content/drops/mugs/index.md:15:10: images[0].src: content/drops/mugs/bomb.png is 12000×12000 (144 megapixels), over the 50 megapixel cap (media.max_pixels)",
        ])
        try site.write("dropgen.yaml", Fixture.config + "media:\n  max_pixels: 0\n")
        #expect(try await site.errors() == ["dropgen.yaml:6:15: media.max_pixels: must be at least 1, got 0"])
    }

    // MARK: - Names that become files

    @Test func aTagTooLongForAFileNameIsAContentError() async throws {
        let tag = String(repeating: "t", count: 300)
        let site = try Fixture.site(["content/drops/mugs.md": Fixture.drop().replacingOccurrences(of: "tags: [ceramics]", with: "tags: [ceramics, \(tag)]")])
        #expect(try await site.errors() == [
            "content/drops/mugs.md:12:18: tags[1]: the tag's page name \"\(tag.prefix(40))…\" is 300 bytes long; a name of a page or file has at most 100",
        ])
        let fits = try Fixture.site(["content/drops/mugs.md": Fixture.drop().replacingOccurrences(
            of: "tags: [ceramics]", with: "tags: [\(String(repeating: "t", count: 100))]")])
        try await fits.build()
    }

    @Test func anAliasSegmentTooLongForAFileNameIsAContentError() async throws {
        let segment = String(repeating: "a", count: 101)
        let site = try Fixture.site(["content/drops/mugs.md": Fixture.drop("aliases: [/old/, /old/\(segment)/]")])
        #expect(try await site.errors() == [
            "content/drops/mugs.md:14:18: aliases: aliases[1]: the segment \"\(segment.prefix(40))…\" is 101 bytes long; a name of a page or file has at most 100",
        ])
    }

    /// cmark-gfm walks its trees without recursion: deep Markdown is slow at worst, never a crash.
    @Test(.timeLimit(.minutes(1))) func deepMarkdownRenders() {
        let deep = String(repeating: ">", count: 50_000) + " quote\n\n" + String(repeating: "- ", count: 10_000) + "item\n\n"
            + String(repeating: "[", count: 50_000) + "x" + String(repeating: "]", count: 50_000) + "\n\n"
            + String(repeating: "*", count: 20_000) + "x" + String(repeating: "*", count: 20_000) + "\n"
        let html = Markdown.html(deep)
        #expect(html.contains("quote</p>"))
        #expect(html.contains("item</li>"))
    }

    @Test func aTitleTooLongForAFileNameIsRefused() throws {
        let site = try Fixture.site()
        let title = String(repeating: "Long title ", count: 20)
        #expect(throws: Scaffold.Refused.self) {
            try Scaffold.newDrop(title: title, creator: nil, siteRoot: site.root, now: Fixture.now)
        }
        #expect(Scaffold.titleProblem(title) == "the slug (and file name content/drops/<slug>.md) made from the title \"long-title-long-title-long-title-long-ti…\" is 219 bytes long; a name of a page or file has at most 100; choose a shorter title")
        #expect(Scaffold.titleProblem(String(repeating: "a", count: 100)) == nil)
    }
}
