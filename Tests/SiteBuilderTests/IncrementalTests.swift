import Foundation
import MediaPipeline
import Publisher
import SiteManifest
import Testing
@testable import SiteBuilder
@testable import SiteSource

/// Rebuilds into an existing output: only changed pages are rendered, only changed files are
/// written, and the result is always byte for byte what a cold build gives.
@Suite struct IncrementalTests {
    /// Three drops by two makers with distinct tags, so an edit's reach is visible.
    static func site() throws -> Fixture {
        try Fixture.site([
            "content/creators/ole.md": "---\nname: Ole\n---\nPrints.\n",
            "content/drops/cups.md": Fixture.drop(title: "Cups").replacingOccurrences(of: "tags: [ceramics]", with: "tags: [cups]"),
            "content/drops/prints.md": Fixture.drop(title: "Prints").replacingOccurrences(of: "tags: [ceramics]", with: "tags: [paper]")
                .replacingOccurrences(of: "creator: mara", with: "creator: ole"),
        ])
    }

    static func inode(_ fixture: Fixture, _ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: fixture.root.appendingPathComponent(path).path)[.systemFileNumber] as! Int
    }

    @Test func unchangedSiteRendersNothingParsesNothingAndWritesNothing() async throws {
        let fixture = try Self.site()
        let cold = try await fixture.build()
        #expect(cold.pagesRendered == cold.record.pages && cold.dropsParsed == 3)
        let before = try fixture.snapshot()
        let again = try await fixture.build()
        #expect(again.pagesRendered == 0 && again.dropsParsed == 0 && again.filesRewritten == 0)
        #expect(try fixture.snapshot() == before)
    }

    /// Same bytes, same clock, output intact: nothing is even loaded. New file times alone (a fresh
    /// checkout) change nothing; a new clock or new bytes do.
    @Test func unchangedInputsAndClockSkipTheBuildEntirely() async throws {
        let fixture = try Self.site()
        try await fixture.build()
        let cache = fixture.root.appendingPathComponent(".dropgen-cache/content")
        try FileManager.default.removeItem(at: cache)
        let later = Date().addingTimeInterval(60)
        for path in ["content/drops/cups.md", "dropgen.yaml"] {
            try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: fixture.root.appendingPathComponent(path).path)
        }
        let skipped = try await fixture.build()
        // A real build would have parsed every drop: the cache is gone.
        #expect(skipped.dropsParsed == 0 && skipped.pagesRendered == 0 && skipped.filesRewritten == 0)
        #expect(skipped.record.pages > 10 && skipped.files > 20)

        let nextDay = try await fixture.build(now: Fixture.now.addingTimeInterval(86_400))
        #expect(nextDay.dropsParsed == 3)
        #expect(try fixture.read("public/.dropgen/build.json").contains(RFC3339.format(Fixture.now.addingTimeInterval(86_400))))

        try fixture.write("content/creators/ole.md", "---\nname: Ole Brandt\n---\nPrints.\n")
        let edited = try await fixture.build(now: Fixture.now.addingTimeInterval(86_400))
        #expect(edited.pagesRendered > 0)
        #expect(try fixture.read("public/creators/ole/index.html").contains("Ole Brandt"))
    }

    /// The issue's test: an edit of one drop, then the same build from scratch.
    @Test func editOfOneDropRerendersItsPagesAndMatchesAColdBuild() async throws {
        let fixture = try Self.site()
        let cold = try await fixture.build()
        let printsPage = try Self.inode(fixture, "public/drops/prints/index.html")
        try fixture.write("content/drops/cups.md", Fixture.drop(title: "Cups", body: "Twelve cups, now glazed.")
            .replacingOccurrences(of: "tags: [ceramics]", with: "tags: [cups]").replacingOccurrences(of: "remaining: 7", with: "remaining: 6"))
        let edited = try await fixture.build()
        #expect(edited.dropsParsed == 1)
        // The cup page, its maker's page, its tag, the archive and home, schedule, pickups: not the print pages.
        #expect(edited.pagesRendered > 1 && edited.pagesRendered < cold.record.pages / 2, "rendered \(edited.pagesRendered) of \(cold.record.pages)")
        #expect(try Self.inode(fixture, "public/drops/prints/index.html") == printsPage)
        #expect(try fixture.read("public/drops/cups/index.html").contains("Twelve cups, now glazed."))
        try await fixture.build(out: "cold")
        #expect(try fixture.snapshot("public") == (try fixture.snapshot("cold")))
    }

    /// An edit of each kind of source, and a move of the clock: the rebuild renders only what
    /// the fingerprints say changed, and must still equal a cold build byte for byte. A missing
    /// dependency in the fingerprints shows up here as a stale page.
    struct Edit: Sendable, CustomTestStringConvertible {
        var name: String
        var files: [String: String?] = [:]
        var later: TimeInterval = 0
        var testDescription: String { name }
    }

    static let richSite: [String: String?] = [
        "content/badges/regular.md": "---\nname: Regular\nfor: buyer\ncriteria: Bought three times\n---\nThanks.\n",
        "content/events/advent.md": "---\ntitle: Advent pop-up\nlocation: Westwerk\nstarts: 2026-12-12T11:00:00+01:00\nends: 2026-12-12T18:00:00+01:00\ndrops: [cups]\n---\nMulled juice.\n",
        "content/drops/cups.md": cups(),
        "content/drops/prints.md": Fixture.drop(title: "Prints").replacingOccurrences(of: "tags: [ceramics]", with: "tags: [paper]"),
        "static/css/extra.css": "body{color:red}",
        "templates/footer.mustache": "<footer><link rel=\"stylesheet\" href=\"/css/extra.css\"></footer>",
    ]

    static func cups(_ replacements: [String: String] = [:]) -> String {
        var text = Fixture.drop("""
            early_access: { opens: 2026-12-04T12:00:00+01:00, badges: [regular] }
            pickup:
              - { location: Stall 14, starts: 2026-12-06T10:00:00+01:00, ends: 2026-12-06T14:00:00+01:00 }
            """, title: "Cups").replacingOccurrences(of: "tags: [ceramics]", with: "tags: [cups]")
        for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
        return text
    }

    static let edits: [Edit] = [
        Edit(name: "drop body", files: ["content/drops/cups.md": cups(["Twenty-four mugs.": "Twelve cups."])]),
        Edit(name: "drop stock", files: ["content/drops/cups.md": cups(["remaining: 7": "remaining: 0"])]),
        Edit(name: "drop tags", files: ["content/drops/cups.md": cups(["tags: [cups]": "tags: [paper, mugs]"])]),
        Edit(name: "drop opening", files: ["content/drops/cups.md": cups(["opens: 2026-12-04T18:00:00+01:00": "opens: 2026-12-05T10:00:00+01:00"])]),
        Edit(name: "new drop", files: ["content/drops/bowls.md": Fixture.drop(title: "Bowls")]),
        Edit(name: "maker renamed", files: ["content/creators/mara.md": "---\nname: Mara Lind\nlocation: Halle\n---\nThrows mugs.\n"]),
        Edit(name: "policy", files: ["content/policies/standard.md": "---\ntitle: Standard\nrefund_days: 30\ndispute_response_hours: 24\n---\nRefunds.\n"]),
        Edit(name: "badge renamed", files: ["content/badges/regular.md": "---\nname: Regular buyer\nfor: buyer\ncriteria: Bought three times\n---\nThanks.\n"]),
        Edit(name: "event", files: ["content/events/advent.md": "---\ntitle: Winter pop-up\nlocation: Westwerk\nstarts: 2026-12-12T11:00:00+01:00\nends: 2026-12-12T18:00:00+01:00\ndrops: [cups]\n---\nMulled juice.\n"]),
        Edit(name: "site title", files: ["dropgen.yaml": Fixture.config.replacingOccurrences(of: "Test Market", with: "Saturday Market")]),
        Edit(name: "stylesheet", files: ["static/css/extra.css": "body{color:blue}"]),
        Edit(name: "card template", files: ["templates/card.mustache": "<li><a href=\"{{url}}\">{{title}}</a> {{scarcity}}</li>\n"]),
        Edit(name: "clock past the pickup", later: 86_400 + 4 * 3600),
        Edit(name: "clock past the event", later: 8 * 86_400),
    ]

    @Test(arguments: edits) func everyKindOfChangeMatchesAColdBuild(_ edit: Edit) async throws {
        let fixture = try Fixture.site(Self.richSite)
        let cold = try await fixture.build()
        for (path, contents) in edit.files {
            if let contents { try fixture.write(path, contents) } else { try FileManager.default.removeItem(at: fixture.root.appendingPathComponent(path)) }
        }
        let now = Fixture.now.addingTimeInterval(edit.later)
        let rebuilt = try await fixture.build(now: now)
        #expect(rebuilt.pagesRendered > 0 || rebuilt.filesRewritten > 0, "\(edit.name) changed nothing")
        if edit.name.hasPrefix("drop") || edit.name == "policy" || edit.name == "badge renamed" {
            #expect(rebuilt.pagesRendered < cold.record.pages, "\(edit.name) rendered every page")
        }
        try await fixture.build(now: now, out: "cold")
        let incremental = try fixture.snapshot("public"), fresh = try fixture.snapshot("cold")
        #expect(incremental.keys.sorted() == fresh.keys.sorted())
        for (path, data) in fresh where incremental[path] != data { Issue.record("\(edit.name): \(path) differs from a cold build") }
    }

    /// `dropgen serve`'s way: one session across builds, records kept in memory.
    @Test func sessionRebuildsMatchColdBuilds() async throws {
        let fixture = try Fixture.site(Self.richSite)
        let session = SiteBuild.Session(contentCache: ContentCache())
        func build() async throws -> SiteBuild.Report {
            try await SiteBuild.run(SiteBuild.Options(siteRoot: fixture.root, output: fixture.root.appendingPathComponent("public"),
                                                      now: Fixture.now, session: session)).report
        }
        let first = try await build()
        #expect(first.pagesRendered == first.record.pages && session.manifest?.count == first.files - 1)
        for edit in Self.edits where edit.later == 0 {
            for (path, contents) in edit.files { try fixture.write(path, contents!) }
            let rebuilt = try await build()
            #expect(rebuilt.dropsParsed <= 1, "\(edit.name)")
            try? FileManager.default.removeItem(at: fixture.root.appendingPathComponent("cold"))
            try await fixture.build(out: "cold")
            #expect(try fixture.snapshot("public") == (try fixture.snapshot("cold")), "\(edit.name)")
            #expect(session.manifest == (try BuildManifest.decode(Data(try fixture.read("public/.dropgen/manifest.json").utf8)))
                .files.reduce(into: [:]) { $0[$1.path] = $1 })
        }
    }

    /// `dropgen serve` writes an edited drop's page ahead of the full rebuild. It must be the page
    /// the full rebuild makes, and it must never survive the rebuild when it is not (an edit
    /// undone before the rebuild runs).
    @Test(arguments: [
        ("body", ["content/drops/cups.md": cups(["Twenty-four mugs.": "Twelve cups."])], true),
        ("title and stock", ["content/drops/cups.md": cups(["title: Cups": "title: Glazed cups", "remaining: 7": "remaining: 2"])], true),
        ("undone before the rebuild", ["content/drops/cups.md": cups(["Twenty-four mugs.": "Twelve cups."])], true),
        ("new slug", ["content/drops/prints.md": Fixture.drop("slug: paper-prints", title: "Prints")], false),
        ("made a draft", ["content/drops/cups.md": cups(["title: Cups": "title: Cups\nstatus: draft"])], false),
        ("invalid", ["content/drops/cups.md": cups(["price: ": "prize: "])], false),
        ("new drop", ["content/drops/bowls.md": Fixture.drop(title: "Bowls")], false),
        ("maker", ["content/creators/mara.md": "---\nname: Mara Lind\n---\nThrows mugs.\n"], false),
    ] as [(String, [String: String], Bool)])
    func previewOfADropEditIsWhatTheRebuildMakes(_ name: String, _ files: [String: String], _ previewed: Bool) async throws {
        let fixture = try Fixture.site(Self.richSite)
        let session = SiteBuild.Session(contentCache: ContentCache())
        let output = fixture.root.appendingPathComponent("public")
        func build() async throws {
            _ = try await SiteBuild.run(SiteBuild.Options(siteRoot: fixture.root, output: output, now: Fixture.now, session: session))
        }
        try await build()
        let original = try fixture.read("content/drops/cups.md")
        for (path, contents) in files { try fixture.write(path, contents) }
        let entries = session.previewDropEdits(files.keys.sorted())
        #expect((entries != nil) == previewed, "\(name)")
        if let entries {
            #expect(entries.map(\.path) == ["drops/cups/index.html"])
            #expect(session.manifest?["drops/cups/index.html"] == entries.first)
        }
        let preview = try fixture.read("public/drops/cups/index.html")
        if name == "invalid" {
            await #expect(throws: BuildFailed.self) { try await build() }
        }
        if name.hasPrefix("undone") || name == "invalid" { try fixture.write("content/drops/cups.md", original) }
        try await build()
        if previewed, !name.hasPrefix("undone") { #expect(try fixture.read("public/drops/cups/index.html") == preview, "\(name)") }
        try await fixture.build(out: "cold")
        let incremental = try fixture.snapshot("public"), fresh = try fixture.snapshot("cold")
        #expect(incremental.keys.sorted() == fresh.keys.sorted(), "\(name)")
        for (path, data) in fresh where incremental[path] != data { Issue.record("\(name): \(path) differs from a cold build") }
    }

    @Test func removedDropLeavesNoPagesBehind() async throws {
        let fixture = try Self.site()
        try await fixture.build()
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("content/drops/prints.md"))
        try await fixture.build()
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("public/drops/prints").path))
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("public/tags/paper").path))
        try await fixture.build(out: "cold")
        #expect(try fixture.snapshot("public") == (try fixture.snapshot("cold")))
    }

    @Test func templateEditRerendersEveryPage() async throws {
        let fixture = try Self.site()
        let cold = try await fixture.build()
        try fixture.write("templates/footer.mustache", "<footer>Market every Saturday</footer>")
        let edited = try await fixture.build()
        #expect(edited.pagesRendered == cold.record.pages && edited.dropsParsed == 0)
        #expect(try fixture.read("public/drops/prints/index.html").contains("Market every Saturday"))
    }

    @Test func clockMovingPastAnOpeningRerendersThatDrop() async throws {
        let fixture = try Self.site()
        try await fixture.build(now: RFC3339.parse("2026-12-04T12:00:00+01:00")!)
        #expect(try fixture.read("public/drops/cups/index.html").contains("data-state=\"scheduled\""))
        let opened = try await fixture.build(now: RFC3339.parse("2026-12-04T19:00:00+01:00")!)
        #expect(opened.dropsParsed == 0 && opened.pagesRendered > 0)
        #expect(try fixture.read("public/drops/cups/index.html").contains("data-state=\"live\""))
        try await fixture.build(now: RFC3339.parse("2026-12-04T19:00:00+01:00")!, out: "cold")
        #expect(try fixture.snapshot("public") == (try fixture.snapshot("cold")))
    }

    @Test func pageDeletedByHandIsRenderedAgain() async throws {
        let fixture = try Self.site()
        try await fixture.build()
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("public/drops/cups/index.html"))
        let again = try await fixture.build()
        #expect(again.pagesRendered == 1)
        try await fixture.build(out: "cold")
        #expect(try fixture.snapshot("public") == (try fixture.snapshot("cold")))
    }

    /// A build that died while updating leaves its marker: publish refuses the folder and the
    /// next build starts over from scratch.
    @Test func unfinishedUpdateIsRefusedByPublishAndRebuiltCold() async throws {
        let fixture = try Self.site()
        let cold = try await fixture.build()
        try fixture.write("public/" + BuildManifest.incompleteMarker, "")
        #expect(throws: PublishError.self) { try Publisher.loadManifest(buildDirectory: fixture.root.appendingPathComponent("public")) }
        let again = try await fixture.build()
        #expect(again.pagesRendered == cold.record.pages)
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("public/" + BuildManifest.incompleteMarker).path))
        _ = try Publisher.loadManifest(buildDirectory: fixture.root.appendingPathComponent("public"))
    }

    /// A cached parse never hides a problem: the media a cached drop names is checked again.
    @Test func cachedDropWhoseImageWasDeletedReportsIt() async throws {
        let fixture = try Fixture.site(["content/drops/mugs.md": Fixture.drop("images: [{ src: photo.png, alt: Four mugs }]")])
        try MediaPageTests.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x200", "-frames:v", "1",
                                   fixture.root.appendingPathComponent("content/drops/photo.png").path])
        try await fixture.build()
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("content/drops/photo.png"))
        let errors = try await fixture.errors()
        #expect(errors.count == 1 && errors[0].hasPrefix("content/drops/mugs.md:14:17: images[0].src:"), "\(errors)")
    }

    @Test func contentCacheSurvivesAcrossRunsAndForgetsDeletedFiles() async throws {
        let fixture = try Self.site()
        try await fixture.build()
        let cache = await ContentCache.load(root: fixture.root)
        #expect(cache.count == 3)
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("content/drops/prints.md"))
        let after = try await fixture.build()
        #expect(after.dropsParsed == 0)
        #expect(await ContentCache.load(root: fixture.root).count == 2)
    }
}

@Suite struct BuildRecordTests {
    /// The cache's binary shards give back exactly what went in (compared through JSON, which
    /// names every field), and a damaged shard reads as empty, never as wrong drops.
    @Test func contentCacheShardsRoundTrip() throws {
        let source = MediaSource(file: "content/drops/cups/index.md", line: 12, key: "hero.video")
        let image = ImageRef(path: "media/cup-800.0123456789.webp", width: 800, height: 600, contentType: "image/webp")
        var full = Drop(file: "content/drops/cups/index.md", slug: "cups", title: "Cups \u{2014} \"glazed\"", creatorID: "mara",
                        aliases: ["/old/cups/"], price: Money(minorUnits: 3450), compareAt: Money(minorUnits: 4200),
                        priceUntil: Date(timeIntervalSinceReferenceDate: 817_000_000.5), edition: 24, remaining: 0, perCustomerLimit: 2,
                        opens: Date(timeIntervalSinceReferenceDate: 816_000_000), closes: Date(timeIntervalSinceReferenceDate: 816_100_000),
                        statusOverride: .soldOut,
                        earlyAccess: EarlyAccess(opens: Date(timeIntervalSinceReferenceDate: 815_990_000), badges: ["regular"], buyURL: "https://x/early"),
                        hero: HeroMedia(clips: [VideoRef(path: "media/c.mp4", width: 720, height: 1280, contentType: "video/mp4")],
                                        posters: [image], ogImage: image, alt: "A cup"),
                        images: [StillMedia(variants: [image], width: 800, height: 600, placeholder: "data:x", alt: "Side")],
                        pickup: [PickupWindow(location: "Stall 14", address: nil, starts: Date(timeIntervalSinceReferenceDate: 816_200_000),
                                              ends: Date(timeIntervalSinceReferenceDate: 816_210_000))],
                        policyID: "standard", tags: ["cups", "ceramics"], buyURL: "https://x/buy", bodyHTML: "<p>Twelve.</p>\n",
                        summary: "Twelve.", state: .soldOut, lines: ["title": 2, "hero": 12])
        full.source = "abc123"
        let bare = Drop(file: "content/drops/b.md", slug: "b", title: "B", creatorID: "ole", aliases: [], price: nil, compareAt: nil,
                        priceUntil: nil, edition: nil, remaining: nil, perCustomerLimit: nil, opens: nil, closes: nil, statusOverride: nil,
                        earlyAccess: nil, hero: nil, images: [], pickup: [], policyID: nil, tags: [], buyURL: nil, bodyHTML: "",
                        summary: "", state: .draft)
        let entries: [String: DropLoader.Loaded] = [
            "k1": DropLoader.Loaded(drop: full, hero: HeroRequest(source: source, video: URL(fileURLWithPath: "/site/c.mov"), start: 1.5,
                                                                  duration: 6, posterAt: 2, lines: ["video": 12]),
                                    heroAlt: "A cup", images: [.init(request: StillRequest(source: source, image: URL(fileURLWithPath: "/site/c.jpg")), alt: "Side")]),
            "k2": DropLoader.Loaded(drop: bare, hero: nil, heroAlt: "", images: []),
        ]
        let shard = try ContentCache.encodeShard(entries)
        let decoded = try #require(ContentCache.decodeShard(shard))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(decoded) == (try encoder.encode(entries)))
        #expect(decoded["k1"]?.drop.source == "abc123")
        #expect(ContentCache.decodeShard(shard.dropLast(3)) == nil)
        #expect(ContentCache.decodeShard(shard + Data([0])) == nil)
        #expect(ContentCache.decodeShard(Data("{}".utf8)) == nil)
    }

    @Test func inputStampsRoundTrip() {
        var stamps = InputStamps(now: "2026-12-05T11:00:00Z", files: [
            "content/drops/a b.md": .init(size: 12, modified: 1_764_000_000_123_456_789, sha256: String(repeating: "a", count: 64)),
            "/opt/dropgen/bin/dropgen": .init(size: 97_411_992, modified: 5, sha256: "time-5"),
        ])
        stamps.outputs = ["drops/a-b/index.html": 4_321, "index.html": 0]
        #expect(InputStamps.decode(stamps.encoded()) == stamps)
        #expect(InputStamps.decode(Data("dropgen-inputs-0\nx\n".utf8)) == nil)
        #expect(InputStamps.decode(Data("dropgen-inputs-1\nx\ni abc 12 notanumber path\n".utf8)) == nil)
        for damaged in ["i abc 12 34\n", "i abc 12\n", "o 12\n", "o x path\n", "q 1 path\n", "i\n", "o  path\n"] {
            #expect(InputStamps.decode(Data(("dropgen-inputs-1\nx\n" + damaged).utf8)) == nil, "\(damaged)")
        }
    }

    @Test func pageFingerprintsRoundTrip() {
        var fingerprints = PageFingerprints()
        fingerprints["drops/a b/index.html"] = String(repeating: "f", count: 64)
        fingerprints["index.html"] = String(repeating: "0", count: 64)
        #expect(PageFingerprints.decode(fingerprints.encoded()) == fingerprints)
        #expect(PageFingerprints.decode(Data("dropgen-pages-0\n".utf8)) == PageFingerprints())
    }

    @Test func buildsReportRenderingProgressUpToEveryPage() async throws {
        let fixture = try Fixture.site()
        let events = Events()
        let report = try await SiteBuild.run(SiteBuild.Options(siteRoot: fixture.root, output: fixture.root.appendingPathComponent("public"),
                                                               now: Fixture.now, progress: { events.add($0) })).report
        let pages = events.all.compactMap { event -> (Int, Int)? in
            if case .pages(let done, let total) = event { return (done, total) } else { return nil }
        }
        #expect(!pages.isEmpty && pages.allSatisfy { $0.1 == report.record.pages })
        #expect(pages.map(\.0).max() == report.record.pages)
        // A cold build writes each page as it is rendered.
        #expect(report.seconds.map(\.stage) == ["Checking for changes", "Loading content", "Rendering and writing pages",
                                                 "Writing static files", "Encoding media"])
    }

    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [SiteBuild.Progress] = []
        func add(_ event: SiteBuild.Progress) { lock.withLock { events.append(event) } }
        var all: [SiteBuild.Progress] { lock.withLock { events } }
    }
}
