import Foundation
import SiteManifest
import Testing
@testable import SiteBuilder

@Suite struct RenderTests {
    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The product page is compared byte for byte; `UPDATE_GOLDEN=1 swift test` rewrites it after
    /// an intended change (review the diff).
    @Test func productPageMatchesTheGoldenFile() async throws {
        let fixture = try Fixture.site([
            "content/drops/mugs.md": Fixture.drop("""
                aliases: [/old-mugs/]
                pickup:
                  - { location: Market stall 14, address: Marktplatz 1, starts: 2026-12-05T09:00:00+01:00, ends: 2026-12-05T14:00:00+01:00 }
                """, body: "Twenty-four mugs, **signed** on the foot.\n\n| size | ml |\n|---|---|\n| tall | 350 |\n\n- [x] glazed\n- [ ] fired"),
        ])
        try await fixture.build()
        let html = try fixture.read("public/drops/mugs/index.html")
        let golden = Self.goldenFolder.appendingPathComponent("drop-page.html")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try html.write(to: golden, atomically: true, encoding: .utf8)
        }
        #expect(html == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func productPageCarriesOfferFactsAndSocialTags() async throws {
        let fixture = try Fixture.site()
        try await fixture.build()
        let html = try fixture.read("public/drops/mugs/index.html")
        for expected in [
            "<link rel=\"canonical\" href=\"https://test.example/drops/mugs/\">",
            "<meta property=\"og:type\" content=\"product\">",
            "<meta property=\"product:price:amount\" content=\"34.00\">",
            "<meta property=\"product:price:currency\" content=\"EUR\">",
            "<strong data-price=\"34.00\">€34.00</strong><s aria-label=\"was €42.00\">€42.00</s>",
            "<dd data-scarcity>7 of 24 left</dd>", "<dd>2 per customer</dd>",
            "<time datetime=\"2026-12-04T18:00:00+01:00\" data-countdown=\"opens\">Fri 4 Dec 2026, 18:00</time>",
            "\"availability\":\"https://schema.org/InStock\"", "\"price\":\"34.00\"", "\"priceCurrency\":\"EUR\"",
            "\"availabilityEnds\":\"2026-12-06T18:00:00+01:00\"", "\"sku\":\"mugs\"",
            "Refunds within 14 days · disputes answered within 24 h",
            "<a class=\"buy\" href=\"https://shop.example/mugs\"",
        ] {
            #expect(html.contains(expected), "missing \(expected)")
        }
    }

    @Test func compareAtIsShownOnlyWhenHigherThanThePrice() async throws {
        let fixture = try Fixture.site([
            "content/drops/mugs.md": Fixture.drop().replacingOccurrences(of: "compare_at: 42", with: "compare_at: 30"),
        ])
        try await fixture.build()
        #expect(!(try fixture.read("public/drops/mugs/index.html")).contains("<s "))
    }

    @Test(arguments: [
        ("2026-12-04T12:00:00+01:00", "scheduled", "PreOrder"),
        ("2026-12-04T18:00:00+01:00", "live", "InStock"),
        ("2026-12-06T18:00:00+01:00", "closed", "Discontinued"),
        ("2027-01-06T18:00:00+01:00", "archived", "Discontinued"),
    ])
    func stateFollowsTheClock(now: String, state: String, availability: String) async throws {
        let fixture = try Fixture.site()
        try await fixture.build(now: RFC3339.parse(now)!)
        let html = try fixture.read("public/drops/mugs/index.html")
        #expect(html.contains("data-state=\"\(state)\""))
        #expect(html.contains("\"availability\":\"https://schema.org/\(availability)\""))
        #expect(try fixture.read("public/catalog.json").contains("\"state\" : \"\(state)\""))
    }

    @Test func draftsAreNotPublished() async throws {
        let fixture = try Fixture.site(["content/drops/secret.md": Fixture.drop("status: draft", title: "Secret bowls")])
        try await fixture.build()
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("public/drops/secret").path))
        for path in ["public/index.html", "public/catalog.json", "public/feed.xml", "public/sitemap.xml", "public/drops/index.html"] {
            #expect(!(try fixture.read(path)).contains("Secret"), "\(path) leaks a draft")
        }
    }

    @Test func aliasesRedirectToTheCanonicalPage() async throws {
        let fixture = try Fixture.site(["content/drops/mugs.md": Fixture.drop("aliases: [/old-mugs/, /drops/speckled]")])
        try await fixture.build()
        let redirect = try fixture.read("public/old-mugs/index.html")
        #expect(redirect.contains("<meta http-equiv=\"refresh\" content=\"0; url=/drops/mugs/\">"))
        #expect(redirect.contains("<link rel=\"canonical\" href=\"https://test.example/drops/mugs/\">"))
        #expect(try fixture.read("public/drops/speckled/index.html").contains("url=/drops/mugs/"))
        #expect(try fixture.read("public/_redirects") == """
            # Written by dropgen build.
            /drops/speckled/ /drops/mugs/ 301
            /old-mugs/ /drops/mugs/ 301
            /.dropgen/* /404.html 404!
            /.dropgen/* /404.html 200
            /.dropgen-meta/* /404.html 404!
            /.dropgen-meta/* /404.html 200

            """)
        #expect(!(try fixture.read("public/sitemap.xml")).contains("old-mugs"))
    }

    @Test func siteWideFilesAreComplete() async throws {
        let fixture = try Fixture.site()
        try await fixture.build(now: RFC3339.parse("2026-12-05T12:00:00+01:00")!)
        #expect(try fixture.read("public/robots.txt") == "User-agent: *\nAllow: /\n\nSitemap: https://test.example/sitemap.xml\n")
        let sitemap = try fixture.read("public/sitemap.xml")
        #expect(sitemap.contains("<url><loc>https://test.example/drops/mugs/</loc><lastmod>2026-12-04T17:00:00Z</lastmod></url>"))
        for page in ["/", "/drops/", "/creators/mara/", "/policies/standard/", "/tags/ceramics/", "/badges/"] {
            #expect(sitemap.contains("<loc>https://test.example\(page)</loc>"), "sitemap misses \(page)")
        }
        let feed = try fixture.read("public/feed.xml")
        #expect(feed.contains("<id>https://test.example/drops/mugs/</id>"))
        #expect(feed.contains("<updated>2026-12-04T17:00:00Z</updated>"))
        let catalog = try JSONSerialization.jsonObject(with: Data(try fixture.read("public/catalog.json").utf8)) as! [String: Any]
        let drop = (catalog["drops"] as! [[String: Any]])[0]
        #expect(drop["permalink"] as? String == "https://test.example/drops/mugs/")
        #expect(drop["price"] as? String == "34.00")
        #expect(drop["remaining"] as? Int == 7)
        #expect(drop["state"] as? String == "live")
        #expect(drop["opens"] as? String == "2026-12-04T17:00:00Z")
        for page in ["index.html", "drops/index.html", "creators/index.html", "creators/mara/index.html", "badges/index.html",
                     "tags/ceramics/index.html", "policies/standard/index.html", "404.html"] {
            #expect(FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("public/" + page).path), "no \(page)")
        }
    }

    @Test func staticAssetsAreContentHashedAndReferencesRewritten() async throws {
        let fixture = try Fixture.site([
            "static/css/extra.css": "body{color:red}",
            "templates/footer.mustache": "<footer><link rel=\"stylesheet\" href=\"/css/extra.css\"><img src=\"/favicon.svg\" alt=\"\"></footer>",
        ])
        try await fixture.build()
        let manifest = try fixture.read("public/.dropgen/manifest.json")
        let html = try fixture.read("public/index.html")
        let css = StaticFiles.publishedPath("css/extra.css", data: Data("body{color:red}".utf8))
        #expect(css.hasPrefix("css/extra.") && css.count == "css/extra.0123456789.css".count)
        #expect(html.contains("href=\"/\(css)\""))
        #expect(!html.contains("\"/css/extra.css\""))
        #expect(!html.contains("\"/js/live.js\""))
        #expect(manifest.contains("\"path\" : \"\(css)\""))
        #expect(manifest.contains("\"cache_class\" : \"immutable\""))
    }

    @Test func templateThatPrintsADifferentPriceFailsTheBuild() async throws {
        let theme = Theme.templates["drop"]!.replacingOccurrences(of: "data-price=\"{{price_amount}}\"", with: "data-price=\"{{compare_at_amount}}\"")
        let fixture = try Fixture.site(["templates/drop.mustache": theme])
        #expect(try await fixture.errors() == [
            "templates/drop.mustache: price: the page of content/drops/mugs.md shows price 42.00, but the drop's price is 34.00",
        ])
        // A cold build writes pages as they are rendered, into a staging folder: a failure
        // removes it, and leaves no output.
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.root.path)
        #expect(!left.contains { $0 == "public" || $0.contains("staging") }, "left behind: \(left.sorted())")
    }

    @Test func templateSyntaxErrorsNameTheFileAndLine() async throws {
        let fixture = try Fixture.site(["templates/footer.mustache": "<footer>\n{{#site}}\n</footer>"])
        let errors = try await fixture.errors()
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("templates/footer.mustache:") == true)
    }

    @Test func nextTransitionIsTheEarliestFutureStateChange() async throws {
        let fixture = try Fixture.site()
        let report = try await fixture.build(now: RFC3339.parse("2026-12-04T12:00:00+01:00")!)
        #expect(report.record.nextTransition == "2026-12-04T17:00:00Z")
        let record = try fixture.read("public/.dropgen/build.json")
        #expect(record.contains("\"next_transition\" : \"2026-12-04T17:00:00Z\""))
    }

    @Test func rebuildsRewriteOnlyChangedFilesAndMatchAColdBuild() async throws {
        let fixture = try Fixture.site(["content/drops/cups.md": Fixture.drop(title: "Cups").replacingOccurrences(of: "tags: [ceramics]", with: "tags: [cups]")])
        let first = try await fixture.build()
        #expect(first.filesUnchanged == 0 && first.filesRewritten > 10)
        let unchanged = try await fixture.build()
        #expect(unchanged.filesRewritten == 0 && unchanged.filesUnchanged == first.filesRewritten)

        try fixture.write("content/drops/cups.md", Fixture.drop(title: "Cups").replacingOccurrences(of: "tags: [ceramics]", with: "tags: [cups]")
            .replacingOccurrences(of: "remaining: 7", with: "remaining: 6"))
        let edited = try await fixture.build()
        #expect(edited.filesRewritten > 0 && edited.filesRewritten < 12, "rewrote \(edited.filesRewritten)")
        try await fixture.build(out: "cold")
        #expect(try fixture.snapshot("public") == (try fixture.snapshot("cold")))
    }

    @Test func sameInputAndClockGiveIdenticalBytes() async throws {
        let fixture = try Fixture.site([
            "content/drops/b.md": Fixture.drop("aliases: [/b-old/]", title: "B"),
            "content/drops/c.md": Fixture.drop(title: "C").replacingOccurrences(of: "tags: [ceramics]", with: "tags: [c, shared]"),
        ])
        try await fixture.build(out: "one")
        try await fixture.build(out: "two")
        let one = try fixture.snapshot("one"), two = try fixture.snapshot("two")
        #expect(one.count > 10)
        #expect(one.keys.sorted() == two.keys.sorted())
        for (path, data) in one { #expect(two[path] == data, "\(path) differs") }
    }
}
