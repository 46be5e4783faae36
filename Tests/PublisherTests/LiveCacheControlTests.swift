import Foundation
import Testing
@testable import Publisher
@testable import SiteManifest
@testable import SiteSource

/// The live stock files (`live.json`, `live/<slug>.json`) are published with their own short
/// Cache-Control, `publish.live_cache_control`, beside the pages.
@Suite struct LiveCacheControlTests {
    static let live = #"{"drops":{"mugs":{"remaining":3,"state":"live","updated":null}}}"# + "\n"
    static let mugs = #"{"remaining":3,"state":"live","updated":null}"# + "\n"

    static func config(_ yaml: String) throws -> PublishConfig {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(yaml.utf8).write(to: root.appendingPathComponent("dropgen.yaml"))
        return try PublishConfig.load(siteRoot: root)
    }

    @Test func liveCacheControlIsReadAndDefaulted() throws {
        #expect(try Self.config("title: x\n").liveCacheControl == "public, max-age=5, s-maxage=5, stale-while-revalidate=30")
        #expect(try Self.config("publish:\n  live_cache_control: \"public, max-age=2\"\n").liveCacheControl == "public, max-age=2")
    }

    @Test(arguments: [
        ("publish:\n  live_cache_control: \"max-age=2\\r\\nSet-Cookie: a=b\"\n",
         "dropgen.yaml:2:23: publish.live_cache_control: contains U+000D (a carriage return); a header value is one line without control characters"),
        ("publish:\n  live_cache_control: [1]\n", "dropgen.yaml:2:23: publish.live_cache_control: expected text, got a list"),
        ("publish:\n  live_cache_contrl: x\n", "dropgen.yaml:2:3: publish.live_cache_contrl: unknown key; did you mean `live_cache_control`?"),
    ])
    func liveCacheControlRefusesWhatIsNoHeaderValue(_ yaml: String, _ expected: String) throws {
        do {
            _ = try Self.config(yaml)
            Issue.record("accepted \(yaml)")
        } catch let failure as BuildFailed {
            #expect(failure.diagnostics.map(\.description) == [expected])
        }
    }

    @Test func livePlanCarriesTheLiveCacheControlWithThePages() throws {
        var config = PublishConfig(siteRoot: URL(fileURLWithPath: "/tmp"))
        config.liveCacheControl = "public, max-age=2"
        let local = BuildManifest(files: [
            BuildManifest.Entry(path: "index.html", bytes: Data("<p>x</p>".utf8)),
            BuildManifest.Entry(path: "live.json", bytes: Data(Self.live.utf8)),
            BuildManifest.Entry(path: "live/mugs.json", bytes: Data(Self.mugs.utf8)),
            BuildManifest.Entry(path: "catalog.json", bytes: Data("{}".utf8)),
        ])
        let plan = DeployPlan.make(local: local, live: nil, pointer: nil, remote: [:], retained: [], config: config, now: Date())
        let byKey = Dictionary(plan.uploads.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for key in ["live.json", "live/mugs.json"] {
            #expect(byKey[key]?.headers.cacheControl == "public, max-age=2")
            #expect(byKey[key]?.headers.contentType == "application/json; charset=utf-8")
            #expect(byKey[key]?.group == byKey["index.html"]?.group)
        }
        #expect(byKey["catalog.json"]?.headers.cacheControl == EdgeRules.defaultRevalidateCacheControl)
        #expect(plan.record?.files.first { $0.path == "live.json" }?.cacheControl == "public, max-age=2")
    }

    /// A local folder target: the object's metadata and the `_headers` rules carry it.
    @Test func localFolderTargetServesLiveFilesWithTheLiveCacheControl() async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        var entries: [BuildManifest.Entry] = []
        for (path, text) in ["index.html": "<p>drops</p>\n", "live.json": Self.live, "live/mugs.json": Self.mugs] {
            let url = site.build.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            entries.append(BuildManifest.Entry(path: path, bytes: Data(text.utf8)))
        }
        try FileManager.default.createDirectory(at: site.build.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
        try BuildManifest(files: entries).encoded().write(to: site.build.appendingPathComponent(BuildManifest.relativePath))
        let edge = site.root.appendingPathComponent("edge")
        let target = LocalFolderTarget(root: edge, site: site.root, build: site.build)
        var config = PublishConfig(siteRoot: site.root)
        config.liveCacheControl = "public, max-age=3, s-maxage=3"
        _ = try await Publisher(target: target, config: config).publish(buildDirectory: site.build)

        #expect(try String(contentsOf: edge.appendingPathComponent("live.json"), encoding: .utf8) == Self.live)
        for key in ["live.json", "live/mugs.json"] {
            #expect(try target.readMeta(key).cacheControl == "public, max-age=3, s-maxage=3")
        }
        #expect(try target.readMeta("index.html").cacheControl == EdgeRules.defaultRevalidateCacheControl)
        let headers = try String(contentsOf: edge.appendingPathComponent("_headers"), encoding: .utf8)
        #expect(headers.contains("Cache-Control: public, max-age=3, s-maxage=3\n"))
        // Whatever rule serves /live.json and /live/mugs.json names the live Cache-Control.
        for path in ["/live.json", "/live/mugs.json"] {
            #expect(Self.cacheControl(for: path, in: headers) == "public, max-age=3, s-maxage=3", "\(path)")
        }
    }

    /// The Cache-Control that `_headers` gives `path`: the headers of the last rule whose pattern
    /// (`*` matching any run of characters) matches, as Netlify and Cloudflare Pages apply them
    /// (exact rules are written after patterns, and win).
    static func cacheControl(for path: String, in text: String) -> String? {
        var found: String?
        var matching = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("/") {
                matching = matches(String(line), path)
            } else if matching, line.hasPrefix("  Cache-Control: ") {
                found = String(line.dropFirst("  Cache-Control: ".count))
            }
        }
        return found
    }

    static func matches(_ pattern: String, _ path: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == path }
        guard path.hasPrefix(parts[0]), path.hasSuffix(parts[parts.count - 1]) else { return false }
        var rest = Substring(path.dropFirst(parts[0].count))
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return rest.count >= parts[parts.count - 1].count
    }
}
