import Foundation
import SiteManifest
import TemplateKit
import Testing
@testable import SiteBuilder
@testable import SiteSource

/// Nothing from content can take over another output, inject a rule into a line-oriented file,
/// reach a terminal or page raw, or pull a file from outside the site through a link.
@Suite struct HijackTests {
    /// A site with every kind of output: pages of makers, tags, events, badges, policies, static
    /// files of the theme and the site, per-drop calendars, catalogs, feeds.
    static func fullSite(_ extra: [String: String?] = [:]) throws -> Fixture {
        var files: [String: String?] = [
            "content/drops/bowls.md": Fixture.drop("slug: bowls\ntags: [bowls]", title: "Bowls")
                .replacingOccurrences(of: "opens: 2026-12-04T18:00:00+01:00", with: "opens: 2026-12-07T18:00:00+01:00")
                .replacingOccurrences(of: "closes: 2026-12-06T18:00:00+01:00", with: "closes: 2026-12-08T18:00:00+01:00")
                .replacingOccurrences(of: "tags: [ceramics]\n", with: ""),
            "content/creators/jon.md": "---\nname: Jon\n---\nWeaves.\n",
            "content/badges/fast.md": "---\nname: Fast\nfor: creator\ncriteria: Ships fast\nholders: [mara]\n---\n",
            "content/events/fair.md": "---\ntitle: Fair\nlocation: Hall\nstarts: 2026-12-10T10:00:00+01:00\nends: 2026-12-10T18:00:00+01:00\n---\n",
            "static/files/terms.pdf": "%PDF",
            "static/css/site.css": "body{}",
        ]
        for (path, contents) in extra { files[path] = contents }
        return try Fixture.site(files)
    }

    /// The alias that names an output path: `drops/mugs/index.html` → `/drops/mugs/`, `feed.xml` → `/feed.xml`.
    static func alias(naming path: String) -> String {
        path == "index.html" ? "/index.html" : path.hasSuffix("/index.html") ? "/" + path.dropLast("index.html".count) : "/" + path
    }

    @Test func everyOutputPathIsRefusedAsAnAlias() async throws {
        let fixture = try Self.fullSite([
            "content/drops/bowls.md": Fixture.drop("slug: bowls\ntags: [bowls]\nimages: [{ src: bowl.png, alt: A bowl }]", title: "Bowls")
                .replacingOccurrences(of: "opens: 2026-12-04T18:00:00+01:00", with: "opens: 2026-12-07T18:00:00+01:00")
                .replacingOccurrences(of: "closes: 2026-12-06T18:00:00+01:00", with: "closes: 2026-12-08T18:00:00+01:00")
                .replacingOccurrences(of: "tags: [ceramics]\n", with: ""),
        ])
        try MediaPageTests.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=600x400", "-frames:v", "1",
                                   fixture.root.appendingPathComponent("content/drops/bowl.png").path])
        try await fixture.build()
        // The real output, as built, plus what `publish` writes beside it.
        let outputs = StaticFiles.walk(fixture.root.appendingPathComponent("public")) + ["_headers"]
        #expect(outputs.count > 30, "got \(outputs)")
        for kind in ["index.html", "404.html", "drops/index.html", "drops/mugs/index.html", "drops/bowls/drop.ics", "creators/jon/index.html",
                     "creators/mara/catalog.json", "tags/ceramics/index.html", "events/fair/index.html", "badges/fast/index.html",
                     "feed.xml", "robots.txt", "sitemap.xml", "catalog.json", "drops.ics", "_redirects", "files/terms.pdf"] {
            #expect(outputs.contains(kind), "the fixture has no \(kind)")
        }
        #expect(outputs.contains { $0.hasPrefix("css/site.") && $0.hasSuffix(".css") })
        #expect(outputs.contains { $0.hasPrefix("favicon.") }, "a theme static file")
        #expect(outputs.contains { $0.hasPrefix("media/bowl-") && $0.hasSuffix(".webp") }, "a media output")

        // One draft drop claims them all: a draft adds no output of its own.
        let items = outputs.map { "  - \"\(Self.alias(naming: $0))\"" }.joined(separator: "\n")
        try fixture.write("content/drops/hijack.md", "---\ntitle: Hijack\ncreator: jon\nstatus: draft\naliases:\n\(items)\n---\n")
        let errors = try await fixture.errors()
        let expected = outputs.enumerated().map { index, path in
            let alias = DropLoader.normalizeAlias(Self.alias(naming: path))!
            let writer = path == "_headers" ? "dropgen publish" : "the site"
            let taken = path.hasPrefix("media/") ? "media/" : path  // media/ is dropgen's whole
            return "content/drops/hijack.md:\(6 + index):5: aliases: `\(alias)` is taken: \(writer) writes \(taken); "
                + "an alias may only claim a path that no page or file of the site uses"
        }
        #expect(errors.sorted() == expected.sorted())
    }

    struct AliasCase: CustomTestStringConvertible, Sendable {
        var name: String
        var files: [String: String?]
        var expected: [String]
        var testDescription: String { name }
    }

    static let aliasCases: [AliasCase] = [
        AliasCase(name: "another maker's page", files: ["content/drops/mugs.md": Fixture.drop("aliases: [/creators/jon]")],
                  expected: ["content/drops/mugs.md:14:11: aliases: `/creators/jon/` is taken: the site writes creators/jon/index.html; an alias may only claim a path that no page or file of the site uses"]),
        AliasCase(name: "paths beside outputs", files: ["content/drops/mugs.md": Fixture.drop("aliases: [/drops-old.html, /creators/mara-old/]")],
                  expected: []),
        AliasCase(name: "the same URL with pretty URLs", files: ["content/drops/mugs.md": Fixture.drop("aliases: [/drops.html, /404/]")],
                  expected: ["content/drops/mugs.md:14:11: aliases: `/drops.html` is taken: the site writes drops/index.html; an alias may only claim a path that no page or file of the site uses",
                             "content/drops/mugs.md:14:24: aliases: `/404/` is taken: the site writes 404.html; an alias may only claim a path that no page or file of the site uses"]),
        AliasCase(name: "another case", files: ["content/drops/mugs.md": Fixture.drop("aliases: [/Index.html, /Creators/Jon/]")],
                  expected: ["content/drops/mugs.md:14:11: aliases: `/Index.html` is taken: the site writes index.html; an alias may only claim a path that no page or file of the site uses",
                             "content/drops/mugs.md:14:24: aliases: `/Creators/Jon/` is taken: the site writes creators/jon/index.html; an alias may only claim a path that no page or file of the site uses"]),
        AliasCase(name: "an empty segment, a percent sign", files: ["content/drops/mugs.md": Fixture.drop("aliases: [/creators//mara/, /%69ndex.html]")],
                  expected: ["content/drops/mugs.md:14:11: aliases: aliases[0]: expected a site path such as /old-name/, got \"/creators//mara/\"",
                             "content/drops/mugs.md:14:29: aliases: aliases[1]: expected a site path such as /old-name/, got \"/%69ndex.html\""]),
        AliasCase(name: "two aliases differing in case",
                  files: ["content/drops/mugs.md": Fixture.drop("aliases: [/old/]"), "content/drops/nugs.md": Fixture.drop("slug: nugs\naliases: [/OLD/]")],
                  expected: ["content/drops/nugs.md:15:11: aliases: `/OLD/` is taken: the alias of content/drops/mugs.md writes old/index.html; an alias may only claim a path that no page or file of the site uses"]),
        AliasCase(name: "media outputs", files: ["content/drops/mugs.md": Fixture.drop("aliases: [/media/mugs.0123456789abcdef.webp]")],
                  expected: ["content/drops/mugs.md:14:11: aliases: `/media/mugs.0123456789abcdef.webp/` is taken: the site writes media/; an alias may only claim a path that no page or file of the site uses"]),
        AliasCase(name: "a file and a folder of two aliases",
                  files: ["content/drops/mugs.md": Fixture.drop("aliases: [/old.html/]"), "content/drops/nugs.md": Fixture.drop("slug: nugs\naliases: [/old.html]")],
                  expected: ["content/drops/nugs.md:15:11: aliases: `/old.html` is taken: the alias of content/drops/mugs.md writes old.html/; an alias may only claim a path that no page or file of the site uses"]),
        AliasCase(name: "the same alias in two drops",
                  files: ["content/drops/mugs.md": Fixture.drop("aliases: [/old/]"), "content/drops/nugs.md": Fixture.drop("slug: nugs\naliases: [/old]")],
                  expected: ["content/drops/nugs.md:15: aliases: `/old/` is also an alias in content/drops/mugs.md"]),
        AliasCase(name: "dropgen's own records", files: ["content/drops/mugs.md": Fixture.drop("aliases: [/.dropgen/build.json, /a/.hidden/]")],
                  expected: ["content/drops/mugs.md:14:11: aliases: aliases[0]: expected a site path such as /old-name/, got \"/.dropgen/build.json\"",
                             "content/drops/mugs.md:14:33: aliases: aliases[1]: expected a site path such as /old-name/, got \"/a/.hidden/\""]),
    ]

    @Test(arguments: aliasCases)
    func aliasCollisions(_ testCase: AliasCase) async throws {
        let fixture = try Self.fullSite(testCase.files)
        if testCase.expected.isEmpty {
            try await fixture.build()
            #expect(try fixture.read("public/drops-old.html").contains("url=/drops/mugs/"))
            #expect(try fixture.read("public/drops/index.html").contains("<h1"), "the archive is still the archive")
        } else {
            let errors = try await fixture.errors()
            #expect(errors == testCase.expected, "got \(errors)")
        }
    }

    // MARK: - Control characters

    /// Every C0 control, DEL, a few C1 controls, and white space that is not ASCII.
    static let unsafeCharacters: [Unicode.Scalar] = (0x00...0x20).map { Unicode.Scalar($0)! }
        + [Unicode.Scalar(0x7F)!, Unicode.Scalar(0x80)!, Unicode.Scalar(0x85)!, Unicode.Scalar(0x9B)!, Unicode.Scalar(0x9F)!,
           Unicode.Scalar(0xA0)!, Unicode.Scalar(0x2028)!, Unicode.Scalar(0x3000)!]

    /// `\u001B` as YAML writes it in a double-quoted string: the file itself stays clean text.
    static func yamlEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    @Test(arguments: unsafeCharacters)
    func everyURLAndPathFieldRefusesControlCharactersAndWhiteSpace(_ scalar: Unicode.Scalar) async throws {
        let c = Self.yamlEscape(scalar)
        let drop = """
            ---
            title: Mugs
            creator: mara
            opens: 2026-12-04T18:00:00+01:00
            aliases: ["/old\(c)mugs/"]
            buy_url: "https://shop.example/\(c)x"
            early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [], buy_url: "https://shop.example/\(c)x" }
            hero: { video: "clip\(c).mp4", duration: 12, alt: Mugs }
            images: [{ src: "a\(c).jpg", alt: x }]
            ---

            """
        let creator = """
            ---
            name: Mara
            avatar: "me\(c).jpg"
            links: ["https://mara.example/\(c)", { label: Shop, url: "https://shop.example/\(c)" }]
            ---

            """
        let fixture = try Fixture.site(["content/drops/mugs.md": drop, "content/creators/mara.md": creator])
        // A control character is refused by every text field (YAML's escapes write it into a
        // value); a URL or path also refuses tabs, line breaks and white space.
        let unsafe = LineSafe.unsafeMessage(scalar), control = controlMessage(scalar)
        let errors = try await fixture.errors()
        let expected = LineSafe.isControl(scalar) ? [
            "content/creators/mara.md:3:9: avatar: \(control)",
            "content/creators/mara.md:4:9: links[0]: \(unsafe)",
            "content/creators/mara.md:4:60: links[1].url: \(control)",
            "content/drops/mugs.md:5:11: aliases[0]: \(control)",
            "content/drops/mugs.md:6:10: buy_url: \(control)",
            "content/drops/mugs.md:7:72: early_access.buy_url: \(control)",
            "content/drops/mugs.md:8:16: hero.video: \(control)",
            "content/drops/mugs.md:9:17: images[0].src: \(control)",
        ] : [
            "content/creators/mara.md:3:9: avatar: \(unsafe)",
            "content/creators/mara.md:4:9: links[0]: \(unsafe)",
            "content/creators/mara.md:4:60: links[1].url: \(unsafe)",
            "content/drops/mugs.md:5:11: aliases: aliases[0]: \(unsafe)",
            "content/drops/mugs.md:6:10: buy_url: \(unsafe)",
            "content/drops/mugs.md:7:72: early_access.buy_url: \(unsafe)",
            "content/drops/mugs.md:8:16: hero.video: \(unsafe)",
            "content/drops/mugs.md:9:17: images[0].src: \(unsafe)",
        ]
        #expect(errors == expected, "got \(errors)")

        let config = try Fixture.site(["dropgen.yaml": Fixture.config.replacingOccurrences(
            of: "base_url: https://test.example", with: "base_url: \"https://test.example/\(c)\"")])
        #expect(try await config.errors() == ["dropgen.yaml:2:11: base_url: \(LineSafe.isControl(scalar) ? control : unsafe)"])
    }

    /// C0 controls but tab and line breaks, DEL and C1 controls, raw in any text file.
    static let rawControls: [Unicode.Scalar] = ((0x00...0x1F).filter { ![0x09, 0x0A, 0x0D].contains($0) } + [0x7F, 0x80, 0x85, 0x9B, 0x9F])
        .map { Unicode.Scalar($0)! }

    @Test(arguments: rawControls)
    func controlCharactersInTextFilesAreRefusedWhereTheyAre(_ scalar: Unicode.Scalar) async throws {
        let raw = String(scalar)
        let fixture = try Fixture.site([
            "content/drops/mugs.md": Fixture.drop(body: "Twenty-four \(raw) mugs."),
            "content/creators/mara.md": "---\nname: Ma\(raw)ra\n---\n",
            "templates/footer.mustache": "<p>\(raw)</p>",
            "data/buyers.csv": "buyer,display_name,public\nb1,B\(raw),true\n",
        ])
        let message = controlMessage(scalar)
        #expect(try await fixture.errors() == [
            "content/creators/mara.md:2:9: \(message)",
            "content/drops/mugs.md:16:13: \(message)",
            "data/buyers.csv:2:5: \(message)",
            "templates/footer.mustache:1:4: \(message)",
        ])
    }

    @Test func diagnosticsShowControlCharactersEscaped() {
        let diagnostic = Diagnostic(file: "content/drops/\u{1B}[2Jx.md", line: 3, key: "title", message: "got \"\u{07}\u{0}\nfake: error\u{9B}\"")
        #expect(diagnostic.description == "content/drops/\\u{1B}[2Jx.md:3: title: got \"\\u{7}\\u{0}\\u{A}fake: error\\u{9B}\"")
        #expect(LineSafe.terminalEscaped("two\nlines\u{1B}]0;title\u{07}", keepingLines: true) == "two\nlines\\u{1B}]0;title\\u{7}")
    }

    @Test func writersEscapeWhatLoadingWouldRefuse() throws {
        // HTML, XML and calendar text never carry a control character raw.
        let library = try TemplateLibrary(["a": "<p>{{x}}</p>"])
        #expect(library.render("a", ["x": "a\u{1B}[31mb\u{0}c\u{7F}\td\ne"]) == "<p>a\u{FFFD}[31mb\u{FFFD}c\u{FFFD}\td\ne</p>")
        #expect(xmlEscape("a\u{1B}b\u{0}<\r\n") == "a\u{FFFD}b\u{FFFD}&lt;\r\n")
        #expect(ICS.text("a\u{1B}b\u{7}\tc\r\nd") == "ab\tc\\nd")
        // A rule line's fields cannot be split or ended by a value.
        #expect(LineSafe.percentEncoded("/a b\t/\r\n/x\u{A0}/") == "/a%20b%09/%0D%0A/x%C2%A0/")
        #expect(LineSafe.headerValue("max-age=1\r\nX-Evil: 1") == "max-age=1  X-Evil: 1")
    }

    // MARK: - Symbolic links

    struct LinkCase: CustomTestStringConvertible, Sendable {
        var link: String
        /// What the build names.
        var reported: String
        /// Whether the link points at a folder outside (else a file).
        var folder = false
        var testDescription: String { link }
    }

    static let linkCases: [LinkCase] = [
        LinkCase(link: "dropgen.yaml", reported: "dropgen.yaml"),
        LinkCase(link: "content/drops/stolen.md", reported: "content/drops/stolen.md"),
        LinkCase(link: "content/drops/bundle", reported: "content/drops/bundle", folder: true),
        LinkCase(link: "content/drops/own/index.md", reported: "content/drops/own/index.md"),
        LinkCase(link: "content/creators/jon.md", reported: "content/creators/jon.md"),
        LinkCase(link: "content/policies/lax.md", reported: "content/policies/lax.md"),
        LinkCase(link: "content/badges/vip.md", reported: "content/badges/vip.md"),
        LinkCase(link: "content/events/fair.md", reported: "content/events/fair.md"),
        LinkCase(link: "content/events", reported: "content/events", folder: true),
        LinkCase(link: "content", reported: "content", folder: true),
        LinkCase(link: "data/orders.csv", reported: "data/orders.csv"),
        LinkCase(link: "templates/footer.mustache", reported: "templates/footer.mustache"),
        LinkCase(link: "static/secret.txt", reported: "static/secret.txt"),
    ]

    @Test(arguments: linkCases)
    func linksLeavingTheSiteAreRefused(_ testCase: LinkCase) async throws {
        // Outside the site: a folder holding a valid-looking file of every kind.
        let outside = try Fixture(files: [
            "file": Fixture.config, "folder/index.md": Fixture.drop("slug: bundle"), "folder/fair.md": "---\ntitle: x\n---\n",
            "folder/drops/stolen.md": Fixture.drop(title: "Stolen"),
        ])
        let fixture = try Fixture.site()
        let link = fixture.root.appendingPathComponent(testCase.link)
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: link)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside.root.appendingPathComponent(testCase.folder ? "folder" : "file"))
        #expect(try await fixture.errors() == ["\(testCase.reported): is a symbolic link that leaves the site folder"])
    }

    @Test func linksWithinTheSiteAreFollowed() async throws {
        let fixture = try Fixture.site(["shared/footer.mustache": "<footer>shared</footer>", "shared/mugs.md": Fixture.drop(title: "Linked mugs")])
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("content/drops/mugs.md"))
        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fixture.root.appendingPathComponent("templates/footer.mustache").path,
                                                   withDestinationPath: "../shared/footer.mustache")
        try FileManager.default.createSymbolicLink(atPath: fixture.root.appendingPathComponent("content/drops/mugs.md").path,
                                                   withDestinationPath: "../../shared/mugs.md")
        try await fixture.build()
        let page = try fixture.read("public/drops/mugs/index.html")
        #expect(page.contains("Linked mugs") && page.contains("<footer>shared</footer>"))
    }

    // MARK: - The site's own _redirects

    @Test func theSitesOwnRedirectsFollowTheGeneratedOnes() async throws {
        let fixture = try Fixture.site([
            "content/drops/mugs.md": Fixture.drop("aliases: [/old-mugs/]"),
            "static/_redirects": "/shop https://shop.example/ 302\n/* /index.html 200",
        ])
        try await fixture.build()
        #expect(try fixture.read("public/_redirects") == """
            # Written by dropgen build.
            /old-mugs/ /drops/mugs/ 301
            /.dropgen/* /404.html 404!
            /.dropgen/* /404.html 200
            /.dropgen-meta/* /404.html 404!
            /.dropgen-meta/* /404.html 200
            # The site's own rules, from static/_redirects:
            /shop https://shop.example/ 302
            /* /index.html 200

            """)
    }

    @Test func everySiteKeepsDropgensFoldersPrivate() async throws {
        let fixture = try Fixture.site()
        try await fixture.build()
        let rules = try fixture.read("public/_redirects").split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(rules == ["/.dropgen/* /404.html 404!", "/.dropgen/* /404.html 200", "/.dropgen-meta/* /404.html 404!", "/.dropgen-meta/* /404.html 200"])
    }
}

extension HijackTests {
    @Test func aSitesOwnHeadersFileIsRefused() async throws {
        let fixture = try Fixture.site(["static/_headers": "/*\n  X-Frame-Options: DENY\n"])
        #expect(try await fixture.errors() == [
            "static/_headers: dropgen publish writes _headers itself (the cache rules of every file); remove this file",
        ])
    }
}

extension HijackTests {
    /// YAML's escapes put control characters into values of a clean file: refused in any text.
    @Test(arguments: rawControls)
    func escapedControlCharactersInTextValuesAreRefused(_ scalar: Unicode.Scalar) async throws {
        let c = Self.yamlEscape(scalar)
        let fixture = try Fixture.site([
            "content/drops/mugs.md": Fixture.drop(title: "\"Mugs\(c)\"").replacingOccurrences(of: "tags: [ceramics]", with: "tags: [\"cer\(c)amics\"]"),
            "content/creators/mara.md": "---\nname: Mara\nlocation: \"Leip\(c)zig\"\n---\n",
        ])
        let message = controlMessage(scalar)
        #expect(try await fixture.errors() == [
            "content/creators/mara.md:3:11: location: \(message)",
            "content/drops/mugs.md:2:8: title: \(message)",
            "content/drops/mugs.md:12:8: tags[0]: \(message)",
        ])
    }
}
