import Foundation
import SiteManifest
import Testing
@testable import SiteBuilder

@Suite struct ScaffoldTests {
    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-init-\(UUID().uuidString)")
    }

    @Test func initWritesASiteThatBuildsAndChecks() async throws {
        let root = Self.scratch().appendingPathComponent("shop")
        let written = try Scaffold.initSite(at: root, now: Fixture.now, timeZone: TimeZone(identifier: "Europe/Berlin")!)
        for path in ["dropgen.yaml", ".gitignore", "examples/ci/publish.yml", "templates/README.md", "content/drops/first-drop.md",
                     "content/creators/my-studio.md", "content/badges/founding-maker.md", "content/policies/standard.md"] {
            #expect(written.contains(path), "\(path) missing")
        }
        let report = try await SiteBuild.run(SiteBuild.Options(siteRoot: root, now: Fixture.now)).report
        #expect(report.record.drops == ["scheduled": 1])
        let page = try String(contentsOf: root.appendingPathComponent("public/drops/first-drop/index.html"), encoding: .utf8)
        // Opens at the first Friday 18:00 after the clock (Sat 5 Dec 2026).
        #expect(page.contains("2026-12-11T18:00:00+01:00"))
        #expect(report.record.nextTransition == "2026-12-11T17:00:00Z")
        let (_, check) = try await SiteCheck.run(siteRoot: root, now: Fixture.now)
        #expect(check.violations.map(\.description) == [])

        let workflow = try String(contentsOf: root.appendingPathComponent("examples/ci/publish.yml"), encoding: .utf8)
        for needle in ["path: .dropgen-cache", "dropgen build", "dropgen publish", "next_transition", "public/.dropgen/build.json"] {
            #expect(workflow.contains(needle), "workflow lacks \(needle)")
        }
    }

    @Test func initRefusesAFolderWithFiles() throws {
        let root = Self.scratch()
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: root.appendingPathComponent("notes.txt"))
        #expect(throws: Scaffold.Refused.self) { try Scaffold.initSite(at: root, now: Fixture.now) }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("dropgen.yaml").path))
    }

    @Test func newDropHasEveryKeyAndBuilds() async throws {
        let site = try Fixture.site(["dropgen.yaml": Fixture.config + "cadence:\n  weekly: friday 18:00\n"])
        let drop = try Scaffold.newDrop(title: "Blue Glazed Bowls", creator: "mara", siteRoot: site.root, now: Fixture.now)
        #expect(drop.path == "content/drops/blue-glazed-bowls.md")
        #expect(RFC3339.format(drop.opens) == "2026-12-11T17:00:00Z")
        let text = try site.read(drop.path)
        for key in Site.dropKeys {
            #expect(text.contains("\n\(key):") || text.contains("\n# \(key):"), "\(key) is not in the new drop")
        }
        #expect(text.contains("opens: 2026-12-11T18:00:00+01:00"))
        #expect(text.contains("policy: standard"))

        // As written it is a draft: it loads, and nothing is published.
        let (loaded, _) = try await Site.load(root: site.root, now: Fixture.now)
        #expect(loaded.drops.first { $0.slug == "blue-glazed-bowls" }?.state == .draft)
        try await site.build()
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("public/drops/blue-glazed-bowls/index.html").path))

        // Without the draft line it is published as scheduled.
        try site.write(drop.path, text.replacingOccurrences(of: "status: draft\n", with: ""))
        let report = try await site.build()
        #expect(report.record.drops["scheduled"] == 1)
        let page = try site.read("public/drops/blue-glazed-bowls/index.html")
        #expect(page.contains("Blue Glazed Bowls"))

        #expect(throws: Scaffold.Refused.self) {
            try Scaffold.newDrop(title: "Blue glazed bowls!", creator: "mara", siteRoot: site.root, now: Fixture.now)
        }
    }

    @Test func newDropNeedsAKnownCreator() throws {
        let site = try Fixture.site(["content/creators/ola.md": Fixture.creator])
        #expect(throws: Scaffold.Refused.self) { try Scaffold.newDrop(title: "Mugs two", creator: nil, siteRoot: site.root, now: Fixture.now) }
        #expect(throws: Scaffold.Refused.self) { try Scaffold.newDrop(title: "Mugs two", creator: "nobody", siteRoot: site.root, now: Fixture.now) }
        let drop = try Scaffold.newDrop(title: "Mugs two", creator: "ola", siteRoot: site.root, now: Fixture.now)
        #expect(drop.creator == "ola")
    }
}
