import Foundation
import SiteManifest
import Testing
@testable import SiteBuilder
@testable import SiteSource

/// A site written into a fresh temporary folder from `[path: contents]`, removed afterwards.
final class Fixture: Sendable {
    let root: URL

    deinit { try? FileManager.default.removeItem(at: root) }

    static let config = """
        title: Test Market
        base_url: https://test.example
        currency: EUR
        timezone: Europe/Berlin

        """

    static let creator = """
        ---
        name: Mara
        location: Leipzig
        ---
        Throws mugs.

        """

    static let policy = """
        ---
        title: Standard
        refund_days: 14
        dispute_response_hours: 24
        ---
        Refunds within 14 days.

        """

    static func drop(_ extra: String = "", title: String = "Speckled mugs", body: String = "Twenty-four mugs.") -> String {
        """
        ---
        title: \(title)
        creator: mara
        price: 34
        compare_at: 42
        edition: 24
        remaining: 7
        per_customer_limit: 2
        opens: 2026-12-04T18:00:00+01:00
        closes: 2026-12-06T18:00:00+01:00
        policy: standard
        tags: [ceramics]
        buy_url: https://shop.example/mugs
        \(extra)
        ---
        \(body)

        """
    }

    /// A small valid site; entries in `files` replace or add to it (nil removes).
    static func site(_ files: [String: String?] = [:]) throws -> Fixture {
        var all: [String: String?] = [
            "dropgen.yaml": config,
            "content/creators/mara.md": creator,
            "content/policies/standard.md": policy,
            "content/drops/mugs.md": drop(),
        ]
        for (path, contents) in files { all[path] = contents }
        return try Fixture(files: all.compactMapValues { $0 })
    }

    init(files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-test-\(UUID().uuidString)")
        for (path, contents) in files { try write(path, contents) }
    }

    func write(_ path: String, _ contents: String) throws {
        try write(path, Data(contents.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static let now = RFC3339.parse("2026-12-05T12:00:00+01:00")!

    /// The key of the personal early-access pages in tests (never the environment's).
    static let accessSecret = "test-access-secret-0123456789abcdef"

    @discardableResult
    func build(now: Date = Fixture.now, out: String = "public", accessSecret: String? = Fixture.accessSecret) async throws
        -> SiteBuild.Report {
        try await SiteBuild.run(SiteBuild.Options(siteRoot: root, output: root.appendingPathComponent(out), now: now,
                                                  accessSecret: accessSecret)).report
    }

    /// The diagnostics of a build that must fail.
    func errors(now: Date = Fixture.now, accessSecret: String? = Fixture.accessSecret) async throws -> [String] {
        do {
            try await build(now: now, accessSecret: accessSecret)
        } catch let failure as BuildFailed {
            return failure.diagnostics.map(\.description)
        }
        Issue.record("the build succeeded but was expected to fail")
        return []
    }

    /// Every file under a folder with its bytes, for byte-for-byte comparisons.
    func snapshot(_ folder: String = "public") throws -> [String: Data] {
        let base = root.appendingPathComponent(folder)
        var files: [String: Data] = [:]
        for path in StaticFiles.walk(base) { files[path] = try Data(contentsOf: base.appendingPathComponent(path)) }
        // Hidden folders (.dropgen) are skipped by walk; add them explicitly.
        for path in [".dropgen/manifest.json", ".dropgen/build.json", ".dropgen/pages"] {
            if let data = FileManager.default.contents(atPath: base.appendingPathComponent(path).path) { files[path] = data }
        }
        return files
    }
}
