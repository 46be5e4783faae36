import Foundation
import SiteManifest
import StockLedger
import Testing
@testable import SiteBuilder
@testable import SiteSource

/// The stock ledger over a build: an entry overrides the front matter's `remaining` everywhere a
/// drop's stock or state shows, a stock change is never "unchanged", and it re-renders exactly
/// the pages that show that drop.
@Suite struct StockTests {
    static let updated = RFC3339.parse("2026-12-05T11:58:07Z")!

    /// A ledger holding `remaining` for each slug, all set at `updated`.
    static func ledger(_ remaining: [String: Int]) -> StockLedger {
        var ledger = StockLedger.empty
        let events = remaining.sorted { $0.key < $1.key }.map { slug, units in
            StockEvent(id: "set:\(slug):\(units)", drop: slug, change: .remaining(units), at: updated, source: "set")
        }
        _ = ledger.apply(events) { _ in nil }
        return ledger
    }

    func build(_ fixture: Fixture, stock: StockLedger?, out: String = "public", now: Date = Fixture.now) async throws -> SiteBuild.Report {
        try await SiteBuild.run(SiteBuild.Options(siteRoot: fixture.root, output: fixture.root.appendingPathComponent(out), now: now,
                                                  stock: stock)).report
    }

    struct Override: Sendable, CustomTestStringConvertible {
        var name: String
        var remaining: Int?
        /// What each output shows of the drop `mugs` (edition 24, front matter remaining 7, live at the fixture's clock).
        var state: String
        var label: String
        var scarcity: String
        var availability: String
        var live: String
        var testDescription: String { name }
    }

    static let overrides: [Override] = [
        Override(name: "no ledger entry", remaining: nil, state: "live", label: "Live now", scarcity: "7 of 24 left",
                 availability: "InStock", live: #"{"remaining":7,"state":"live","updated":null}"#),
        Override(name: "lower", remaining: 3, state: "live", label: "Live now", scarcity: "3 of 24 left",
                 availability: "LimitedAvailability", live: #"{"remaining":3,"state":"live","updated":"2026-12-05T11:58:07Z"}"#),
        Override(name: "0 is sold out everywhere", remaining: 0, state: "sold_out", label: "Sold out",
                 scarcity: "Sold out · edition of 24", availability: "SoldOut",
                 live: #"{"remaining":0,"state":"sold_out","updated":"2026-12-05T11:58:07Z"}"#),
    ]

    @Test(arguments: overrides) func ledgerEntryOverridesTheFrontMatterEverywhere(_ expected: Override) async throws {
        let fixture = try Fixture.site()
        let report = try await build(fixture, stock: Self.ledger(expected.remaining.map { ["mugs": $0] } ?? [:]))
        #expect(report.record.drops == [expected.state: 1])

        let page = try fixture.read("public/drops/mugs/index.html")
        #expect(page.contains("<article class=\"drop\" data-state=\"\(expected.state)\" data-live=\"mugs\" data-remaining=\"\(expected.remaining ?? 7)\""))
        #expect(page.contains("data-state-label>\(expected.label)</span>"))
        #expect(page.contains("<dd data-scarcity>\(expected.scarcity)</dd>"))
        #expect(page.contains("\"availability\":\"https://schema.org/\(expected.availability)\""))
        #expect(page.contains("\"inventoryLevel\":{\"@type\":\"QuantitativeValue\",\"value\":\(expected.remaining ?? 7)}"))
        // The buy button is shown only while the drop can be bought; the live script may enable it.
        let button = "<p data-buy><a class=\"buy\" href=\"https://shop.example/mugs\""
        let hidden = "<p data-buy hidden><a class=\"buy\" data-href=\"https://shop.example/mugs\" rel=\"nofollow\">Buy now</a></p>"
        #expect(page.contains(button) == (expected.state == "live"))
        #expect(page.contains(hidden) == (expected.state != "live"))

        let catalog = try JSONSerialization.jsonObject(with: Data(try fixture.read("public/catalog.json").utf8)) as! [String: Any]
        let entry = (catalog["drops"] as! [[String: Any]])[0]
        #expect(entry["state"] as? String == expected.state)
        #expect(entry["remaining"] as? Int == expected.remaining ?? 7)
        #expect(entry["availability"] as? String == "https://schema.org/\(expected.availability)")
        #expect((entry["share_text"] as? String)?.contains(expected.scarcity) == true)
        #expect(try fixture.read("public/creators/mara/catalog.json").contains("\"state\" : \"\(expected.state)\""))
        #expect(try fixture.read("public/feed.xml").contains("<summary>\(expected.label) · €34.00 · \(expected.scarcity)"))
        for listing in ["index.html", "drops/index.html", "tags/ceramics/index.html", "creators/mara/index.html"] {
            let html = try fixture.read("public/" + listing)
            #expect(html.contains("<p data-scarcity>\(expected.scarcity)</p>"), "\(listing)")
            #expect(html.contains("data-state-label>\(expected.label)</span>"), "\(listing)")
        }
        #expect(try fixture.read("public/live/mugs.json") == expected.live + "\n")
        #expect(try fixture.read("public/live.json") == #"{"drops":{"mugs":"# + expected.live + "}}\n")
    }

    /// The content cache keeps the front matter's stock: a build with the ledger, then one
    /// without it, shows the file's stock again, as a cold build does.
    @Test func cachedDropsDoNotKeepTheLedgersStock() async throws {
        let fixture = try Fixture.site()
        try await build(fixture, stock: Self.ledger(["mugs": 0]))
        #expect(try fixture.read("public/drops/mugs/index.html").contains("Sold out · edition of 24"))
        let again = try await build(fixture, stock: nil)
        #expect(again.dropsParsed == 0)
        #expect(try fixture.read("public/drops/mugs/index.html").contains("<dd data-scarcity>7 of 24 left</dd>"))
        try await build(fixture, stock: nil, out: "cold")
        #expect(try fixture.snapshot("public") == (try fixture.snapshot("cold")))
    }

    /// Same files and clock, another ledger: the build runs; the same ledger again: it is skipped.
    @Test func aChangedLedgerIsNeverUnchanged() async throws {
        let fixture = try IncrementalTests.site()
        let first = try await build(fixture, stock: Self.ledger(["cups": 5]))
        #expect(first.pagesRendered == first.record.pages)
        // Without the content cache, a build that runs parses every drop: one that is skipped parses none.
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent(".dropgen-cache/content"))
        let same = try await build(fixture, stock: Self.ledger(["cups": 5]))
        #expect(same.dropsParsed == 0 && same.pagesRendered == 0 && same.filesRewritten == 0)
        let sold = try await build(fixture, stock: Self.ledger(["cups": 4]))
        #expect(sold.dropsParsed == 3 && sold.pagesRendered > 0)
        #expect(try fixture.read("public/drops/cups/index.html").contains("4 of 24 left"))
        let none = try await build(fixture, stock: nil)
        #expect(none.pagesRendered > 0)
        #expect(try fixture.read("public/drops/cups/index.html").contains("7 of 24 left"))
        #expect(try fixture.read("public/.dropgen/inputs").split(separator: "\n").contains { $0.hasPrefix("s ") } == false)
    }

    /// One stock change re-renders that drop's page and the pages listing it, not other drops'
    /// pages, and gives the bytes of a cold build with the same ledger.
    @Test func oneStockChangeRerendersExactlyThePagesShowingThatDrop() async throws {
        let fixture = try IncrementalTests.site()
        try await build(fixture, stock: Self.ledger(["cups": 5]))
        let before = try fixture.snapshot()
        let prints = try IncrementalTests.inode(fixture, "public/drops/prints/index.html")
        let mugs = try IncrementalTests.inode(fixture, "public/drops/mugs/index.html")
        let report = try await build(fixture, stock: Self.ledger(["cups": 4]))
        let after = try fixture.snapshot()
        let changed = Set(after.keys.filter { after[$0] != before[$0] }).subtracting([".dropgen/manifest.json", ".dropgen/pages", ".dropgen/build.json"])
        #expect(changed == [
            "drops/cups/index.html", "live/cups.json", "live.json", "index.html", "drops/index.html", "tags/cups/index.html",
            "creators/mara/index.html", "catalog.json", "creators/mara/catalog.json", "feed.xml",
        ])
        #expect(try IncrementalTests.inode(fixture, "public/drops/prints/index.html") == prints)
        #expect(try IncrementalTests.inode(fixture, "public/drops/mugs/index.html") == mugs)
        // Home, the archive, schedule and pickups are fingerprinted by value; the rest by inputs.
        #expect(report.pagesRendered < report.record.pages / 2, "rendered \(report.pagesRendered) of \(report.record.pages)")
        try await build(fixture, stock: Self.ledger(["cups": 4]), out: "cold")
        #expect(try fixture.snapshot("public") == (try fixture.snapshot("cold")))
    }

    /// An entry for a drop the site does not have changes nothing and is named in the report.
    @Test func entriesForUnknownDropsAreIgnoredWithAWarning() async throws {
        let fixture = try Fixture.site()
        let plain = try await build(fixture, stock: nil, out: "plain")
        #expect(plain.warnings == nil)
        let report = try await build(fixture, stock: Self.ledger(["gone": 3, "mugs": 7, "old-cups": 0]))
        #expect(report.warnings == ["the stock ledger names drops this site does not have (ignored): gone, old-cups"])
        #expect(try fixture.read("public/drops/mugs/index.html").contains("7 of 24 left"))
        let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        #expect(!json.contains("warnings"))
    }

    /// The session of `dropgen serve`: the preview of an edited drop keeps the ledger's stock.
    @Test func previewOfAnEditedDropKeepsTheLedgersStock() async throws {
        let fixture = try Fixture.site()
        let session = SiteBuild.Session(contentCache: ContentCache())
        let options = SiteBuild.Options(siteRoot: fixture.root, output: fixture.root.appendingPathComponent("public"), now: Fixture.now,
                                        session: session, stock: Self.ledger(["mugs": 2]))
        _ = try await SiteBuild.run(options)
        try fixture.write("content/drops/mugs.md", Fixture.drop(body: "Now signed."))
        let previewed = try #require(session.previewDropEdits(["content/drops/mugs.md"]))
        #expect(previewed.map(\.path) == ["drops/mugs/index.html"])
        let page = try fixture.read("public/drops/mugs/index.html")
        #expect(page.contains("Now signed.") && page.contains("<dd data-scarcity>2 of 24 left</dd>"))
    }

    /// Which drops have live files, and their bytes, across the states.
    @Test func liveFilesListDropsThatCanStillChange() async throws {
        let fixture = try Fixture.site([
            "content/drops/soon.md": Fixture.drop(title: "Soon").replacingOccurrences(of: "2026-12-04T18:00", with: "2026-12-10T18:00")
                .replacingOccurrences(of: "2026-12-06T18:00", with: "2026-12-26T18:00"),
            // More than a week out: its own page has its live file, listings do not poll it.
            "content/drops/later.md": Fixture.drop(title: "Later").replacingOccurrences(of: "2026-12-04T18:00", with: "2026-12-24T18:00")
                .replacingOccurrences(of: "2026-12-06T18:00", with: "2026-12-26T18:00"),
            "content/drops/ended.md": Fixture.drop(title: "Ended").replacingOccurrences(of: "2026-12-06T18:00", with: "2026-12-05T10:00"),
            "content/drops/gone.md": Fixture.drop(title: "Gone").replacingOccurrences(of: "remaining: 7", with: "remaining: 0"),
            "content/drops/open.md": Fixture.drop(title: "Open").replacingOccurrences(of: "edition: 24\n", with: "")
                .replacingOccurrences(of: "remaining: 7\n", with: ""),
        ])
        try await build(fixture, stock: Self.ledger(["soon": 12]))
        #expect(try fixture.read("public/live.json") == #"{"drops":{"gone":{"remaining":0,"state":"sold_out","updated":null},"# +
            #""mugs":{"remaining":7,"state":"live","updated":null},"open":{"remaining":null,"state":"live","updated":null},"# +
            #""soon":{"remaining":12,"state":"scheduled","updated":"2026-12-05T11:58:07Z"}}}"# + "\n")
        #expect(try fixture.read("public/live/open.json") == #"{"remaining":null,"state":"live","updated":null}"# + "\n")
        #expect(try fixture.read("public/live/later.json") == #"{"remaining":7,"state":"scheduled","updated":null}"# + "\n")
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("public/live/ended.json").path))
        let manifest = try fixture.read("public/.dropgen/manifest.json")
        #expect(manifest.contains("\"cache_class\" : \"live\""))
        // After the sold-out drop closes, it has nothing left to change: its file goes.
        try await build(fixture, stock: Self.ledger(["soon": 12]), now: RFC3339.parse("2026-12-06T19:00:00+01:00")!)
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("public/live/gone.json").path))
        #expect(try fixture.read("public/live.json").contains("\"soon\""))
    }

    /// A product page fetches at most 1 KB gzipped to stay true, a listing at most 4 KB: the
    /// sample market's live files, measured, and `dropgen check`'s budgets over them.
    @Test func sampleMarketsLiveFilesAreWithinTheirBudgets() async throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        // Loaded, not built: no media is encoded and nothing is written into the repository.
        var (site, _) = try await Site.load(root: sample, now: RFC3339.parse("2026-12-04T12:00:00+01:00")!, planMedia: false)
        // The longest entries: every drop with a ledger time.
        _ = site.apply(stock: Self.ledger(Dictionary(uniqueKeysWithValues: site.drops.map { ($0.slug, 999_999) })))
        let contexts = Contexts(site: site)
        #expect(contexts.liveDrops.count >= 3)
        var files = ["live.json": Data(contexts.liveFile(contexts.liveDrops).utf8)]
        for drop in contexts.liveDrops { files[Contexts.livePath(drop.slug)] = Data(contexts.liveFile(drop).utf8) }
        for (path, data) in files.sorted(by: { $0.key < $1.key }) {
            let limit = path == "live.json" ? 4096 : 1024
            #expect(gzippedSize(data) <= limit, "\(path) is \(gzippedSize(data)) bytes gzipped")
        }
        let report = SiteCheck.check(files: files, budgets: Budgets())
        #expect(report.violations.isEmpty)
    }

    @Test func checkReportsLiveFilesOverTheirBudgets() {
        var budgets = Budgets()
        budgets.liveKBGzip = 0.01
        budgets.liveDropKBGzip = 0.01
        let entry = Data(#"{"remaining":7,"state":"live","updated":null}"#.utf8)
        let report = SiteCheck.check(files: ["live.json": Data(#"{"drops":{"mugs":"#.utf8) + entry + Data("}}".utf8), "live/mugs.json": entry],
                                     budgets: budgets)
        #expect(report.violations.map(\.description) == [
            "live.json: live_kb_gzip: live file is 0.1 KB gzipped (\(gzippedSize(Data(#"{"drops":{"mugs":"#.utf8) + entry + Data("}}".utf8))) bytes), over the budget of 0.0 KB (10 bytes)",
            "live/mugs.json: live_drop_kb_gzip: live file is 0.1 KB gzipped (\(gzippedSize(entry)) bytes), over the budget of 0.0 KB (10 bytes)",
        ])
    }

    /// The live script flips labels and units left in the words the build uses: a label or
    /// scarcity text changed in one place only would make a page read two ways.
    @Test func liveScriptSpeaksTheBuildsWords() throws {
        let script = String(decoding: try #require(Theme.staticFiles["js/live.js"]), as: UTF8.self)
        for state in DropState.allCases where state != .draft {
            #expect(script.contains("\(state.rawValue): \"\(state.label)\""), "\(state)")
        }
        for text in ["\"Sold out · edition of \"", "\"Sold out\"", "\" of \"", "\" left\"", "\"Edition of \"", "aria-live", "polite",
                     "prefers-reduced-motion: reduce", "\"Date\"", "visibilitychange", "\"/live/\"", "\"/live.json\"", "10000"] {
            #expect(script.contains(text), "\(text)")
        }
    }

    /// `stock:` in dropgen.yaml, read and refused with the usual dialect.
    @Test(arguments: [
        ("stock: { from: production }\n", nil),
        ("stock: { form: production }\n", [
            "dropgen.yaml:5: stock.from: required key is missing",
            "dropgen.yaml:5:10: stock.form: unknown key; did you mean `from`?",
        ]),
        ("stock: { from: [a, b] }\n", ["dropgen.yaml:5:16: stock.from: expected text, got a list"]),
        ("stock: { from: \"\" }\n", ["dropgen.yaml:5:16: stock.from: must not be empty"]),
        ("stock: production\n", ["dropgen.yaml:5:8: stock: expected a mapping of keys, got \"production\""]),
        ("stok: { from: production }\n", ["dropgen.yaml:5:1: stok: unknown key; did you mean `stock`?"]),
    ] as [(String, [String]?)])
    func stockFromIsReadFromTheConfig(_ yaml: String, _ errors: [String]?) async throws {
        let fixture = try Fixture.site(["dropgen.yaml": Fixture.config + yaml])
        guard let errors else {
            let config = try SiteConfig.load(root: fixture.root)
            #expect(config.stockFrom == "production")
            #expect(config.stockFromAt.map { "\($0.file):\($0.line ?? 0):\($0.column ?? 0): \($0.key ?? "")" } == "dropgen.yaml:5:16: stock.from")
            return
        }
        #expect(try await fixture.errors() == errors)
    }
}
