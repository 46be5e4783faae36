import Foundation
@testable import Publisher
import SiteManifest
import StockLedger
import Testing
@testable import SiteBuilder
@testable import SiteSource

/// Early access with personal links: a public page that names no holders' checkout, one
/// `/access/<token>/` page per holder (noindex, unlisted, private at the edge), revocation, and
/// redirects once everyone may buy.
@Suite struct EarlyAccessTests {
    static let earlyURL = "https://shop.example/early-7f3a"
    static let inWindow = RFC3339.parse("2026-12-04T12:00:00+01:00")!
    static let afterWindow = RFC3339.parse("2026-12-04T19:00:00+01:00")!

    /// A buyer badge with three holders (only ana named in public), and a drop whose early access
    /// runs 10:00–18:00 with its own checkout.
    static func site(_ earlyAccess: String = "early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [repeat-buyer], buy_url: \"\(earlyURL)\" }",
                     extra: [String: String?] = [:]) throws -> Fixture {
        var files: [String: String?] = [
            "content/badges/repeat-buyer.md": "---\nname: Repeat buyer\nfor: buyer\ncriteria: Three pickups.\nholders: [ana, ben, cal]\n---\n",
            "data/buyers.csv": "buyer,display_name,public\nana,Ana from Plagwitz,true\nben,Ben Private,false\n",
            "content/drops/mugs.md": Fixture.drop(earlyAccess),
        ]
        for (path, contents) in extra { files[path] = contents }
        return try Fixture.site(files)
    }

    /// The personal pages' tokens, from the output's `access/` folder.
    static func tokens(_ fixture: Fixture, out: String = "public") throws -> [String] {
        let folder = fixture.root.appendingPathComponent("\(out)/access")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test func publicPagesShowTheWindowAndNeverTheHoldersCheckout() async throws {
        let fixture = try Self.site()
        try await fixture.build(now: Self.inWindow)
        let page = try fixture.read("public/drops/mugs/index.html")
        #expect(page.contains("data-state=\"early_access\""))
        #expect(page.contains("<dd>Now for holders of <a class=\"badge\" href=\"/badges/repeat-buyer/\">Repeat buyer</a> until "
                              + "<time datetime=\"2026-12-04T18:00:00+01:00\">Fri 4 Dec 2026, 18:00</time>; opens to everyone then</dd>"))
        #expect(!page.contains("Buy with early access"))
        #expect(page.contains("<p data-buy hidden><a class=\"buy\" data-href=\"https://shop.example/mugs\" rel=\"nofollow\">Buy now</a></p>"))
        #expect(page.contains("\"availabilityStarts\":\"2026-12-04T18:00:00+01:00\""))
        let catalog = try fixture.read("public/catalog.json")
        #expect(catalog.contains("early access for holders of Repeat buyer until Fri 4 Dec 2026, 18:00; opens to everyone then"))
        #expect(try fixture.read("public/feed.xml").contains("early access for holders of Repeat buyer from Fri 4 Dec 2026, 10:00"))

        let tokens = try Self.tokens(fixture)
        #expect(tokens.count == 3)
        // The holders' checkout and the personal links are on the three personal pages alone.
        for (path, data) in try fixture.snapshot() where !path.hasPrefix("access/") {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains(Self.earlyURL), "\(path) names the early-access checkout")
            if path.hasPrefix(".dropgen/") { continue }  // the build's own records, never published
            #expect(!text.contains("/access/"), "\(path) links a personal page")
            for token in tokens { #expect(!text.contains(token), "\(path) names a token") }
        }
        for token in tokens {
            let personal = try fixture.read("public/access/\(token)/index.html")
            #expect(personal.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"))
            #expect(personal.contains("<link rel=\"canonical\" href=\"https://test.example/drops/mugs/\">"))
            #expect(!personal.contains(token))
            #expect(personal.contains("<a class=\"buy\" href=\"\(Self.earlyURL)\" data-href=\"https://shop.example/mugs\" rel=\"nofollow\">Buy with early access</a>"))
            #expect(personal.contains("Your personal early-access page"))
        }
        let manifest = try BuildManifest.decode(Data(contentsOf: fixture.root.appendingPathComponent("public/.dropgen/manifest.json")))
        let personal = manifest.files.filter { $0.path.hasPrefix("access/") }
        #expect(personal.count == 3 && personal.allSatisfy { $0.cacheClass == .private })
    }

    /// Without its own checkout the holders use the drop's: then no public page names it until
    /// everyone may buy.
    @Test func aSharedCheckoutStaysOffThePublicPageUntilTheOpening() async throws {
        let fixture = try Self.site("early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [repeat-buyer] }")
        try await fixture.build(now: Self.inWindow)
        for (path, data) in try fixture.snapshot() where !path.hasPrefix("access/") {
            #expect(!String(decoding: data, as: UTF8.self).contains("https://shop.example/mugs"), "\(path)")
        }
        let token = try #require(try Self.tokens(fixture).first)
        #expect(try fixture.read("public/access/\(token)/index.html").contains("<a class=\"buy\" href=\"https://shop.example/mugs\""))
        try await fixture.build(now: Self.afterWindow)
        #expect(try fixture.read("public/drops/mugs/index.html").contains("<a class=\"buy\" href=\"https://shop.example/mugs\""))
    }

    /// Before the window the holder's page waits with the holders' checkout for the live script.
    @Test func aPersonalPageBeforeTheWindowOpensAtItsStart() async throws {
        let fixture = try Self.site()
        try await fixture.build(now: RFC3339.parse("2026-12-03T12:00:00+01:00")!)
        let token = try #require(try Self.tokens(fixture).first)
        let personal = try fixture.read("public/access/\(token)/index.html")
        #expect(personal.contains("data-state=\"scheduled\"") && personal.contains("data-early=\"2026-12-04T09:00:00Z\""))
        #expect(personal.contains("<p data-buy hidden><a class=\"buy\" data-early-href=\"\(Self.earlyURL)\" data-href=\"https://shop.example/mugs\" rel=\"nofollow\">Buy now</a></p>"))
        #expect(!(try fixture.read("public/drops/mugs/index.html")).contains(Self.earlyURL))
    }

    @Test func tokensAreLongStablePerHolderAndChangeWithTheSecretAndTheWindow() async throws {
        let fixture = try Self.site()
        try await fixture.build(now: Self.inWindow)
        let first = try Self.tokens(fixture)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(first.allSatisfy { $0.count >= 22 && $0.allSatisfy(alphabet.contains) })
        #expect(Set(first).count == 3)
        try await fixture.build(now: Self.inWindow, out: "again")
        #expect(try Self.tokens(fixture, out: "again") == first)
        try await fixture.build(now: Self.inWindow, out: "other-secret", accessSecret: "another-secret-of-enough-length")
        #expect(Set(try Self.tokens(fixture, out: "other-secret")).isDisjoint(with: first))
        // A rebuild of the same output with a new secret is not "unchanged".
        try await fixture.build(now: Self.inWindow, accessSecret: "another-secret-of-enough-length")
        #expect(try Self.tokens(fixture) == (try Self.tokens(fixture, out: "other-secret")))
        let moved = try Self.site("early_access: { opens: 2026-12-04T11:00:00+01:00, badges: [repeat-buyer], buy_url: \"\(Self.earlyURL)\" }")
        try await moved.build(now: Self.inWindow)
        let window = try Self.tokens(moved)
        #expect(window.count == 3 && Set(window).isDisjoint(with: first))
    }

    @Test func aRevokedHolderHasNoPage() async throws {
        let fixture = try Self.site()
        try await fixture.build(now: Self.inWindow)
        let before = try Self.tokens(fixture)
        try fixture.write("content/drops/mugs.md", Fixture.drop("""
            early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [repeat-buyer], buy_url: "\(Self.earlyURL)", revoke: [ben] }
            """))
        try await fixture.build(now: Self.inWindow)
        let after = try Self.tokens(fixture)
        #expect(after.count == 2 && Set(after).isSubset(of: before))
        let list = try await AccessList.make(root: fixture.root, now: Self.inWindow, secret: Fixture.accessSecret)
        #expect(list.drops.first?.holders.map(\.id) == ["ana", "cal"])
    }

    @Test func afterTheWindowThePersonalPagesRedirectToThePublicPage() async throws {
        let fixture = try Self.site()
        try await fixture.build(now: Self.inWindow)
        let tokens = try Self.tokens(fixture)
        try await fixture.build(now: Self.afterWindow)
        #expect(try Self.tokens(fixture) == tokens)
        for token in tokens {
            let page = try fixture.read("public/access/\(token)/index.html")
            #expect(page.contains("<meta http-equiv=\"refresh\" content=\"0; url=/drops/mugs/\">"))
            #expect(page.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"))
            #expect(page.contains("Early access has ended: <a href=\"/drops/mugs/\">"))
            #expect(!page.contains(Self.earlyURL))
        }
        #expect(try await AccessList.make(root: fixture.root, now: Self.afterWindow, secret: Fixture.accessSecret).drops.isEmpty)
        // Archived: the links are gone.
        try await fixture.build(now: RFC3339.parse("2027-02-01T12:00:00+01:00")!)
        #expect(try Self.tokens(fixture).isEmpty)
    }

    @Test(arguments: [
        (nil as String?, "content/drops/mugs.md:14: early_access: personal early-access links need a secret: set DROPGEN_ACCESS_SECRET in the environment (e.g. `openssl rand -base64 32`)"),
        ("short", "content/drops/mugs.md:14: early_access: DROPGEN_ACCESS_SECRET is 5 bytes; personal early-access links need at least 16 (e.g. `openssl rand -base64 32`)"),
    ])
    func aMissingOrShortSecretIsAnErrorNamingTheVariable(_ secret: String?, _ expected: String) async throws {
        let fixture = try Self.site()
        #expect(try await fixture.errors(now: Self.inWindow, accessSecret: secret) == [expected])
    }

    @Test func aRevokedIdThatHoldsNoBadgeIsAnError() async throws {
        let fixture = try Self.site("early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [repeat-buyer], revoke: [bem] }")
        let errors = try await fixture.errors(now: Self.inWindow)
        #expect(errors == [
            "content/drops/mugs.md:14: early_access.revoke: \"bem\" holds none of this drop's early-access badges (repeat-buyer); did you mean `ben`?",
        ], "\(errors)")
    }

    @Test func theSecretIsInNoFile() async throws {
        let fixture = try Self.site()
        try await fixture.build(now: Self.inWindow)
        try await fixture.build(now: Self.afterWindow)
        let enumerator = try #require(FileManager.default.enumerator(at: fixture.root, includingPropertiesForKeys: nil))
        var files = 0
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            let data = try Data(contentsOf: url)
            files += 1
            #expect(data.range(of: Data(Fixture.accessSecret.utf8)) == nil, "\(url.path) holds the secret")
        }
        #expect(files > 20)
    }

    /// Personal pages are made from the same drop as the public page: the ledger's stock shows on both.
    @Test func personalPagesShowTheLedgersStock() async throws {
        let fixture = try Self.site()
        var ledger = StockLedger.empty
        _ = ledger.apply([StockEvent(id: "s1", drop: "mugs", change: .remaining(3), at: Self.inWindow, source: "set")]) { _ in nil }
        _ = try await SiteBuild.run(SiteBuild.Options(siteRoot: fixture.root, output: fixture.root.appendingPathComponent("public"),
                                                      now: Self.inWindow, stock: ledger, accessSecret: Fixture.accessSecret))
        let token = try #require(try Self.tokens(fixture).first)
        #expect(try fixture.read("public/access/\(token)/index.html").contains("<dd data-scarcity>3 of 24 left</dd>"))
        #expect(try fixture.read("public/drops/mugs/index.html").contains("<dd data-scarcity>3 of 24 left</dd>"))
    }

    @Test func theListHasEachHolderWithTheirLink() async throws {
        let fixture = try Self.site()
        try await fixture.build(now: Self.inWindow)
        let list = try await AccessList.make(root: fixture.root, now: Self.inWindow, secret: Fixture.accessSecret)
        let holders = try #require(list.drops.first).holders
        #expect(holders.map(\.id) == ["ana", "ben", "cal"])
        #expect(holders.map(\.name) == ["Ana from Plagwitz", nil, nil])
        #expect(Set(holders.map(\.url)) == Set(try Self.tokens(fixture).map { "https://test.example/access/\($0)/" }))
        let rows = list.csv.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(rows.first == "drop,title,early_access_opens,opens,holder,name,url")
        #expect(rows[1] == "mugs,Speckled mugs,2026-12-04T09:00:00Z,2026-12-04T17:00:00Z,ana,Ana from Plagwitz,\(holders[0].url)")
        #expect(rows.count == 5 && rows.last == "")
        #expect(AccessList.csvCell("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
    }

    /// On the local folder target: private headers, and a revoked page deleted at the next
    /// publish, without a listing or the retention window; a rollback does not bring it back.
    @Test func thePublisherDeletesARevokedPageAtTheNextPublish() async throws {
        let fixture = try Self.site()
        let build = fixture.root.appendingPathComponent("public"), edge = fixture.root.appendingPathComponent("edge")
        let config = PublishConfig(siteRoot: fixture.root)
        func publish() async throws -> PublishReport {
            let target = LocalFolderTarget(root: edge, site: fixture.root, build: build)
            return try await Publisher(target: target, config: config).publish(buildDirectory: build)
        }
        try await fixture.build(now: Self.inWindow)
        let tokens = try Self.tokens(fixture)
        _ = try await publish()
        let target = LocalFolderTarget(root: edge, site: fixture.root, build: build)
        for token in tokens {
            #expect(try target.readMeta("access/\(token)/index.html").cacheControl == "private, no-store")
        }
        let headers = try String(contentsOf: edge.appendingPathComponent("_headers"), encoding: .utf8)
        #expect(headers.contains("/access/*/\n  Cache-Control: private, no-store\n  Content-Type: text/html; charset=utf-8\n  X-Robots-Tag: noindex\n"))
        // No rollback copy of a personal page is kept.
        let objects = try FileManager.default.contentsOfDirectory(atPath: edge.appendingPathComponent(".dropgen/objects").path)
        let personalSHA = try BuildManifest.decode(Data(contentsOf: build.appendingPathComponent(".dropgen/manifest.json")))
            .files.filter { $0.path.hasPrefix("access/") }.map(\.sha256)
        #expect(Set(objects).isDisjoint(with: personalSHA))
        // The records at the target (served beside the pages by a plain static host) name the
        // personal pages by a hash of their path only: no token can be read from them.
        try Self.expectNoToken(tokens, under: edge.appendingPathComponent(".dropgen"))

        try fixture.write("content/drops/mugs.md", Fixture.drop("""
            early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [repeat-buyer], buy_url: "\(Self.earlyURL)", revoke: [ben] }
            """))
        try await fixture.build(now: Self.inWindow)
        let kept = try Self.tokens(fixture)
        let revoked = try #require(Set(tokens).subtracting(kept).first)
        let report = try await publish()
        #expect(report.deleted == ["access/\(revoked)/index.html"])
        #expect(!FileManager.default.fileExists(atPath: edge.appendingPathComponent("access/\(revoked)").path))
        for token in kept { #expect(FileManager.default.fileExists(atPath: edge.appendingPathComponent("access/\(token)/index.html").path)) }
        let rollback = try await Publisher(target: LocalFolderTarget(root: edge, site: fixture.root, build: build), config: config).rollback()
        #expect(!rollback.copied.contains { $0.hasPrefix("access/") })
        #expect(!FileManager.default.fileExists(atPath: edge.appendingPathComponent("access/\(revoked)").path))
        try Self.expectNoToken(tokens, under: edge.appendingPathComponent(".dropgen"))
    }

    static func expectNoToken(_ tokens: [String], under folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        #expect(!files.isEmpty, sourceLocation: sourceLocation)
        for file in files where !file.hasDirectoryPath {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            for token in tokens { #expect(!text.contains(token), "\(file.lastPathComponent) names a token", sourceLocation: sourceLocation) }
        }
    }
}
