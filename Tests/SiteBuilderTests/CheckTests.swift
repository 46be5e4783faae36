import Foundation
import Testing
@testable import SiteBuilder

@Suite struct CheckTests {
    /// Gzip as the `gzip` tool computes it, so the budget numbers are checked against an
    /// independent implementation rather than against themselves.
    static func gzipToolSize(_ data: Data) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -6 -n -c | wc -c"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    static func html(_ body: String) -> Data {
        Data("<!doctype html><html><head><title>t</title></head><body>\(body)</body></html>".utf8)
    }

    @Test func brokenLinksAreNamedWithTheirPage() {
        let files: [String: Data] = [
            "index.html": Self.html("""
                <a href="/drops/mugs/">ok</a> <a href="/drops/mugs/#buy">fragment</a> <a href="/gone/">broken</a>
                <a href="https://elsewhere.example/x">external</a> <a href="#top">local</a> <a href="//cdn.example/x.js">protocol-relative</a>
                <img src="/img/a.webp" srcset="/img/a.webp 480w, /img/missing.webp 960w" alt="">
                <video poster="/media/p.webp"><source src="/media/clip.mp4" type="video/mp4"></video>
                <script type="application/ld+json">{"url": "<a href=\\"/not-markup/\\">"}</script>
                <!-- <a href="/commented-out/"> -->
                """),
            "drops/mugs/index.html": Self.html("<a href='/'>home</a> <a href=/feed.xml>feed</a>"),
            "img/a.webp": Data([1]),
            "media/clip.mp4": Data([1]),
            "feed.xml": Data("<feed/>".utf8),
        ]
        let report = SiteCheck.check(files: files, budgets: Budgets())
        let broken = report.violations.filter { $0.kind == .link }
        #expect(broken.map(\.page) == ["index.html", "index.html", "index.html"])
        #expect(broken.map(\.target) == ["/gone/", "/img/missing.webp", "/media/p.webp"])
        #expect(broken[0].description == "index.html: link: <a href=\"/gone/\"> points to /gone/index.html, which the build did not produce")
        #expect(report.links == 10)
        #expect(report.pages == 2)
    }

    @Test func oversizeProductPageReportsGzippedBytesAndLimit() throws {
        // Incompressible text so the gzipped size is well above 1 KB.
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<6000).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &generator)! }
        let page = Self.html(String(noise))
        var budgets = Budgets()
        budgets.pageKBGzip = 1
        let report = SiteCheck.check(files: ["drops/noise/index.html": page, "drops/index.html": page], budgets: budgets)
        let expected = try Self.gzipToolSize(page)
        let violations = report.violations.filter { $0.budget == "page_kb_gzip" }
        // Only the product page: listings are not held to the product-page budget.
        #expect(violations.count == 1)
        let violation = try #require(violations.first)
        #expect(violation.page == "drops/noise/index.html")
        #expect(violation.actual == expected)
        #expect(violation.limit == 1024)
        #expect(violation.message.contains("(\(expected) bytes)"))
        #expect(violation.message.contains("budget of 1.0 KB (1024 bytes)"))
        #expect(!report.passed)
    }

    @Test func pageWeightCountsWhatLoadsBeforeInteraction() throws {
        let css = Data(String(repeating: "a{color:red}", count: 10).utf8)
        let js = Data(String(repeating: "x();", count: 10).utf8)
        let poster = Data(repeating: 7, count: 3000)
        let lazy = Data(repeating: 8, count: 50_000)
        let page = Self.html("""
            <link rel="stylesheet" href="/s.css"><link rel="stylesheet" href="/print.css" media="print">
            <script src="/c.js" defer></script><script src="/c.js" defer></script>
            <video poster="/p.webp" preload="none"><source src="/v.mp4"></video><img src="/lazy.webp" loading="lazy" alt="">
            """)
        let files: [String: Data] = ["about/index.html": page, "s.css": css, "print.css": css, "c.js": js, "p.webp": poster,
                                     "lazy.webp": lazy, "v.mp4": Data(repeating: 1, count: 100)]
        var budgets = Budgets()
        budgets.pageWeightKB = 1
        let report = SiteCheck.check(files: files, budgets: budgets)
        let violation = try #require(report.violations.first { $0.budget == "page_weight_kb" })
        // HTML, CSS and JS as gzip sends them (the script once), the poster as is; not the print
        // stylesheet, the lazy image or the clip (preload=none).
        let expected = try Self.gzipToolSize(page) + Self.gzipToolSize(css) + Self.gzipToolSize(js) + poster.count
        #expect(violation.actual == expected)
        #expect(violation.limit == 1024)
    }

    @Test func posterAndClipBudgets() throws {
        let page = Self.html(#"<video poster="/m/p.webp"><source src="/m/c.mp4" type="video/mp4"></video>"#)
        var budgets = Budgets()
        budgets.posterKB = 2
        budgets.heroClipKB = 4
        let report = SiteCheck.check(files: ["drops/a/index.html": page, "m/p.webp": Data(count: 2049), "m/c.mp4": Data(count: 4096)],
                                     budgets: budgets)
        let byBudget = Dictionary(grouping: report.violations, by: { $0.budget ?? "" })
        #expect(byBudget["poster_kb"]?.first?.actual == 2049)
        #expect(byBudget["poster_kb"]?.first?.limit == 2048)
        #expect(byBudget["poster_kb"]?.first?.page == "drops/a/index.html")
        #expect(byBudget["hero_clip_kb"] == nil)  // exactly at the limit passes
    }

    @Test func checkBuildsTheSiteAndReadsBudgetsFromConfig() async throws {
        let site = try Fixture.site([
            "dropgen.yaml": Fixture.config + "budgets:\n  page_kb_gzip: 0.5\n",
            "content/drops/mugs.md": Fixture.drop(body: "See [the old shop](/old-shop/) and [all drops](/drops/)."),
        ])
        let (build, report) = try await SiteCheck.run(siteRoot: site.root, now: Fixture.now)
        #expect(build.record.pages > 0)
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("public").path))
        let links = report.violations.filter { $0.kind == .link }
        #expect(links.map(\.page) == ["drops/mugs/index.html"])
        #expect(links.map(\.target) == ["/old-shop/"])
        let pages = report.violations.filter { $0.budget == "page_kb_gzip" }
        #expect(pages.map(\.page) == ["drops/mugs/index.html"])
        #expect(pages.first?.limit == 512)
        #expect(report.budgets.pageKBGzip == 0.5)
    }

    @Test func budgetKeysAreChecked() async throws {
        let site = try Fixture.site(["dropgen.yaml": Fixture.config + "budgets:\n  page_kb_gzp: 12\n  poster_kb: -3\n"])
        let errors = try await site.errors()
        #expect(errors.contains("dropgen.yaml:6:3: budgets.page_kb_gzp: unknown key; did you mean `page_kb_gzip`?"))
        #expect(errors.contains { $0.hasPrefix("dropgen.yaml:7:14: budgets.poster_kb: expected a positive size in KB") })
    }

    @Test func theSampleThemePassesItsOwnChecks() async throws {
        let site = try Fixture.site()
        let (_, report) = try await SiteCheck.run(siteRoot: site.root, now: Fixture.now)
        #expect(report.violations.map(\.description) == [])
    }
}
