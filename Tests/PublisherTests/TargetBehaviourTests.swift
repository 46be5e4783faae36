import Foundation
import Testing
@testable import Publisher
@testable import SiteManifest

@Suite("Behaviour: local folder target")
struct LocalFolderBehaviourTests {
    func withTarget(_ body: (LocalFolderTarget) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-edge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(LocalFolderTarget(root: folder))
    }

    @Test func firstDeploy() async throws { try await withTarget { try await BehaviourSuite.firstDeploy($0) } }
    @Test func noChangeDeploy() async throws { try await withTarget { try await BehaviourSuite.noChangeDeploy($0) } }
    @Test func oneDropChange() async throws { try await withTarget { try await BehaviourSuite.oneDropChange($0) } }
    @Test func headerOnlyChange() async throws { try await withTarget { try await BehaviourSuite.headerOnlyChange($0) } }
    @Test func rollback() async throws { try await withTarget { try await BehaviourSuite.rollback($0) } }
    @Test func prune() async throws { try await withTarget { try await BehaviourSuite.pruneRespectsRetentionAndGrace($0) } }
    @Test func maxDeletes() async throws { try await withTarget { try await BehaviourSuite.maxDeletesGuard($0) } }
    @Test func interrupted() async throws { try await withTarget { try await BehaviourSuite.interruptedDeployConverges($0) } }

    @Test func writesHeadersFileAndSidecars() async throws {
        try await withTarget { target in
            let site = try SiteFixture()
            defer { site.remove() }
            try site.build(version: 1)
            _ = try await BehaviourSuite.publisher(target, clock: TestClock()).publish(buildDirectory: site.build)
            let headers = try String(contentsOf: target.root.appendingPathComponent("_headers"), encoding: .utf8)
            let css = try #require(SiteFixture.files(version: 1).keys.first { $0.hasSuffix(".css") })
            // The rules as a host applies them: every file and folder URL gets its cache rule.
            let rules = try await LocalFolderTarget.headerRules(target.list(prefix: ""))
            func cacheControl(_ url: String) -> [String] {
                HeaderRulesModel.headers(for: url, rules: rules, splatMayBeEmpty: true).filter { $0.hasPrefix("Cache-Control: ") }
            }
            #expect(cacheControl("/\(css)") == ["Cache-Control: \(EdgeRules.immutableCacheControl)"])
            #expect(cacheControl("/drops/a/") == ["Cache-Control: \(EdgeRules.defaultRevalidateCacheControl)"])
            #expect(headers.contains("/*/\n  Cache-Control: \(EdgeRules.defaultRevalidateCacheControl)\n"))
            // dropgen's own folders get no cache rule of an object, only one keeping them private.
            #expect(!headers.contains("/.dropgen/deploys") && !headers.contains("/.dropgen/objects"))
            #expect(headers.hasSuffix("/.dropgen/*\n  Cache-Control: no-store\n  X-Robots-Tag: noindex\n"
                                      + "/.dropgen-meta/*\n  Cache-Control: no-store\n  X-Robots-Tag: noindex\n"))
            // The generated file is not an object of the site: it never shows up in a listing.
            #expect(try await !target.list(prefix: "").contains { $0.key == "_headers" })
        }
    }

    @Test func dryRunChangesNothing() async throws {
        try await withTarget { target in
            let site = try SiteFixture()
            defer { site.remove() }
            try site.build(version: 1)
            let report = try await BehaviourSuite.publisher(target, clock: TestClock())
                .publish(buildDirectory: site.build, dryRun: true)
            #expect(report.dryRun)
            #expect(report.uploaded.count == 16)
            #expect(try await target.list(prefix: "").isEmpty)
        }
    }

    @Test func refusesUnsafeOrMissingManifest() async throws {
        try await withTarget { target in
            let site = try SiteFixture()
            defer { site.remove() }
            await #expect(throws: PublishError.self) {
                _ = try await BehaviourSuite.publisher(target, clock: TestClock()).publish(buildDirectory: site.build)
            }
            var manifest = try site.build(version: 1)
            manifest.files.append(BuildManifest.Entry(path: "../outside.html", sha256: String(repeating: "a", count: 64),
                                                      size: 1, contentType: "text/html", hashed: false, cacheClass: .revalidate))
            try manifest.encoded().write(to: site.build.appendingPathComponent(BuildManifest.relativePath))
            do {
                _ = try await BehaviourSuite.publisher(target, clock: TestClock()).publish(buildDirectory: site.build)
                Issue.record("an unsafe manifest path was accepted")
            } catch let error as PublishError {
                #expect(error.description.contains("unsafe path '../outside.html'"))
            }
            #expect(try await target.list(prefix: "").isEmpty)
        }
    }

    @Test func staleManifestIsRefusedBeforePagesChange() async throws {
        try await withTarget { target in
            let site = try SiteFixture()
            defer { site.remove() }
            try site.build(version: 1)
            _ = try await BehaviourSuite.publisher(target, clock: TestClock()).publish(buildDirectory: site.build)
            try site.build(version: 2)
            // The file changes after the build wrote the manifest.
            try Data("edited by hand".utf8).write(to: site.build.appendingPathComponent("drops/b/index.html"))
            await #expect(throws: PublishError.self) {
                _ = try await BehaviourSuite.publisher(target, clock: TestClock()).publish(buildDirectory: site.build)
            }
            #expect(try await target.get("drops/b/index.html") == SiteFixture.files(version: 1)["drops/b/index.html"])
        }
    }

    @Test func createOnlyAndKeySafety() async throws {
        try await withTarget { target in
            try await target.open(forWriting: true)
            let headers = ObjectHeaders(contentType: "text/plain", cacheControl: "no-cache", sha256: "x")
            #expect(try await target.put("a/b.txt", body: Data("1".utf8), headers: headers, createOnly: true) == .created)
            #expect(try await target.put("a/b.txt", body: Data("2".utf8), headers: headers, createOnly: true) == .alreadyExists)
            #expect(try await target.get("a/b.txt") == Data("1".utf8))
            await #expect(throws: PublishError.self) {
                _ = try await target.put("../escape.txt", body: Data(), headers: headers, createOnly: false)
            }
            try await target.delete("a/b.txt")
            #expect(try await target.head("a/b.txt") == nil)

            // A writer killed mid-write leaves temp files: never listed, and removed by the next
            // writer, which holds the folder's lock (so none of them is being written now).
            let stale = target.root.appendingPathComponent("drops/.tmp-killed")
            let fresh = target.root.appendingPathComponent(".tmp-just-now")
            try FileManager.default.createDirectory(at: stale.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: stale)
            try Data("y".utf8).write(to: fresh)
            #expect(try await target.list(prefix: "").isEmpty)
            try await target.open(forWriting: true)
            #expect(!FileManager.default.fileExists(atPath: stale.path))
            #expect(!FileManager.default.fileExists(atPath: fresh.path))
        }
    }
}

@Suite("Behaviour: S3 target on SeaweedFS", .enabled(if: S3TestServer.shouldRun))
struct S3BehaviourTests {
    @Test func firstDeploy() async throws { try await BehaviourSuite.firstDeploy(try S3TestServer.target()) }
    @Test func noChangeDeploy() async throws { try await BehaviourSuite.noChangeDeploy(try S3TestServer.target()) }
    @Test func oneDropChange() async throws { try await BehaviourSuite.oneDropChange(try S3TestServer.target()) }
    @Test func headerOnlyChange() async throws { try await BehaviourSuite.headerOnlyChange(try S3TestServer.target()) }
    @Test func rollback() async throws { try await BehaviourSuite.rollback(try S3TestServer.target()) }
    @Test func prune() async throws { try await BehaviourSuite.pruneRespectsRetentionAndGrace(try S3TestServer.target()) }
    @Test func maxDeletes() async throws { try await BehaviourSuite.maxDeletesGuard(try S3TestServer.target()) }
    @Test func interrupted() async throws { try await BehaviourSuite.interruptedDeployConverges(try S3TestServer.target()) }

    @Test func paginatedListing() async throws {
        let target = try S3TestServer.target(pageSize: 2)
        let headers = ObjectHeaders(contentType: "text/plain", cacheControl: "no-cache", sha256: "0")
        let keys = ["a b.txt", "c+d.txt", "e~f.txt", "g=h.txt", "ünï.txt"]
        for key in keys { _ = try await target.put(key, body: Data(key.utf8), headers: headers, createOnly: false) }
        let listed = try await target.list(prefix: "")
        #expect(listed.map(\.key) == keys.sorted())
        #expect(listed.allSatisfy { $0.lastModified != nil && $0.etag?.count == 32 })
        for key in keys { #expect(try await target.get(key) == Data(key.utf8)) }
    }

    @Test func wrongSecretIsAClearAuthenticationError() async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let badSecret = "not-the-secret-\(UUID().uuidString)"
        let target = try S3TestServer.target(secret: badSecret)
        do {
            _ = try await BehaviourSuite.publisher(target, clock: TestClock()).publish(buildDirectory: site.build)
            Issue.record("publish with a wrong secret succeeded")
        } catch let error as PublishError {
            guard case let .authentication(_, code, _) = error else {
                Issue.record("expected an authentication error, got \(error)")
                return
            }
            #expect(code == "SignatureDoesNotMatch")
            #expect(error.description.contains("AWS_SECRET_ACCESS_KEY"))
            #expect(!error.description.contains(badSecret))
        }
    }

    @Test func conflictingHashedObjectIsRefused() async throws {
        let target = try S3TestServer.target()
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let css = try #require(SiteFixture.files(version: 1).keys.first { $0.hasSuffix(".css") })
        _ = try await target.put(css, body: Data("tampered".utf8),
                                 headers: ObjectHeaders(contentType: "text/css", cacheControl: "x", sha256: "bad"),
                                 createOnly: false)
        // The listing shows a different size, so the plan re-sends it create-only; the store
        // keeps the old bytes and the publisher refuses to go on.
        await #expect(throws: PublishError.self) {
            _ = try await BehaviourSuite.publisher(target, clock: TestClock()).publish(buildDirectory: site.build)
        }
        #expect(try await target.head("index.html") == nil)
    }
}

@Suite("CDN purge hook")
struct PurgeHookTests {
    @Test func postsChangedPageURLs() async throws {
        let server = try OneShotHTTPServer()
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-edge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        let config = PublishConfig(baseURL: "https://shop.example")
        func make() -> Publisher {
            Publisher(target: LocalFolderTarget(root: folder), config: config,
                      purge: PurgeHook(action: .post(url: "http://127.0.0.1:\(server.port)/purge"), baseURL: config.baseURL),
                      clock: clock.function)
        }
        try site.build(version: 1)
        _ = try await make().publish(buildDirectory: site.build)
        try site.build(version: 2)
        clock.advance(60)
        let report = try await make().publish(buildDirectory: site.build)
        #expect(report.purged == ["https://shop.example/drops/b/"])
        #expect(report.warnings.isEmpty)
        let last = try #require(server.bodies.last)
        let json = try #require(try JSONSerialization.jsonObject(with: last) as? [String: Any])
        #expect(json["urls"] as? [String] == ["https://shop.example/drops/b/"])
        #expect(json["deploy_id"] as? String == report.deployID)
    }

    @Test func failedPurgeIsAWarningNotAFailedDeploy() async throws {
        let server = try OneShotHTTPServer(status: 500)
        defer { server.stop() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-edge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let report = try await Publisher(target: LocalFolderTarget(root: folder), config: PublishConfig(),
                                         purge: PurgeHook(action: .post(url: "http://127.0.0.1:\(server.port)/purge")))
            .publish(buildDirectory: site.build)
        #expect(report.deployID != nil)
        #expect(report.warnings.contains { $0.contains("HTTP 500") })
    }
}

extension PurgeHookTests {
    @Test func runsAPurgeCommandWithJSONOnStdin() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-edge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = try SiteFixture()
        defer { site.remove() }
        let out = site.root.appendingPathComponent("purge.json")
        let hook = PurgeHook(action: .command("cat > '\(out.path)' && echo \"$DROPGEN_DEPLOY_ID\" >> '\(out.path).id'"))
        try site.build(version: 1)
        let report = try await Publisher(target: LocalFolderTarget(root: folder), config: PublishConfig(), purge: hook)
            .publish(buildDirectory: site.build)
        #expect(report.warnings.isEmpty)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any])
        #expect(json["urls"] as? [String] == ["/", "/catalog.json", "/drops/a/", "/drops/b/", "/feed.xml"])
        let id = try String(contentsOf: URL(fileURLWithPath: out.path + ".id"), encoding: .utf8)
        #expect(id.trimmingCharacters(in: .whitespacesAndNewlines) == report.deployID)

        let failing = PurgeHook(action: .command("exit 3"))
        try site.build(version: 2)
        let second = try await Publisher(target: LocalFolderTarget(root: folder), config: PublishConfig(), purge: failing,
                                         clock: { Date().addingTimeInterval(60) })
            .publish(buildDirectory: site.build)
        #expect(second.deployID != nil)
        #expect(second.warnings.contains { $0.contains("exit status 3") })
    }
}
