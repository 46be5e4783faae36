import Foundation
import Testing
@testable import Publisher
@testable import SiteManifest

/// The behaviour every target must show, run against the local folder and a real S3 server.
enum BehaviourSuite {
    /// `pruneInterval` 0: every publish lists the target and prunes (the suites of prune rules).
    static func publisher(_ target: any PublishTarget, clock: TestClock, retain: Int = 5, grace: TimeInterval = 3600,
                          maxDeletes: Int = 256, htmlCacheControl: String = EdgeRules.defaultRevalidateCacheControl,
                          pruneInterval: TimeInterval = PublishConfig().pruneInterval)
        -> Publisher {
        var config = PublishConfig(htmlCacheControl: htmlCacheControl, retain: retain, grace: grace,
                                   maxDeletes: maxDeletes, workers: 4)
        config.pruneInterval = pruneInterval
        return Publisher(target: target, config: config, clock: clock.function)
    }

    static func firstDeploy(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let manifest = try site.build(version: 1)
        let clock = TestClock()
        let recording = RecordingTarget(target)
        let report = try await publisher(recording, clock: clock).publish(buildDirectory: site.build)

        let deployID = try #require(report.deployID)
        #expect(report.uploaded.count == manifest.files.count + 6 + 2)  // files, 6 rollback copies, record, pointer
        #expect(report.skipped == 0)
        #expect(recording.violations.isEmpty, "\(recording.violations)")
        // Order: hashed assets, copies, other files, pages, record, pointer.
        let order = recording.puts
        let lastAsset = try #require(order.lastIndex { EdgeRules.isContentHashed($0) })
        let firstPage = try #require(order.firstIndex { $0.hasSuffix(".html") })
        #expect(lastAsset < firstPage)
        #expect(order.last == LivePointer.key)
        #expect(order.dropLast().last == DeployRecord.key(for: deployID))

        // Headers as the edge rules say, visible through HEAD.
        let css = try #require(manifest.files.first { $0.path.hasSuffix(".css") })
        let cssHead = try #require(try await target.head(css.path))
        #expect(cssHead.cacheControl == EdgeRules.immutableCacheControl)
        #expect(cssHead.contentType == "text/css; charset=utf-8")
        #expect(cssHead.size == css.size)
        let page = try #require(try await target.head("index.html"))
        #expect(page.cacheControl == EdgeRules.defaultRevalidateCacheControl)
        #expect(page.contentType == "text/html; charset=utf-8")
        #expect(try await target.get("drops/b/index.html") == SiteFixture.files(version: 1)["drops/b/index.html"])
        #expect(try await brokenReferences(on: target).isEmpty)

        let deploys = try await publisher(target, clock: clock).deploys()
        #expect(deploys.map(\.id) == [deployID])
        #expect(deploys.first?.live == true)
        #expect(deploys.first?.files == manifest.files.count)
    }

    static func noChangeDeploy(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let clock = TestClock()
        let first = try await publisher(target, clock: clock).publish(buildDirectory: site.build)
        clock.advance(60)
        let second = try await publisher(target, clock: clock).publish(buildDirectory: site.build)
        #expect(first.deployID != nil)
        #expect(second.uploaded.isEmpty)
        #expect(second.deployID == nil)
        #expect(second.bytes == 0)
        #expect(second.skipped == 8)
        #expect(try await publisher(target, clock: clock).deploys().count == 1)
    }

    static func oneDropChange(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let clock = TestClock()
        _ = try await publisher(target, clock: clock).publish(buildDirectory: site.build)
        try site.build(version: 2)
        clock.advance(60)
        let plan = try await publisher(target, clock: clock).plan(buildDirectory: site.build)
        let changed = try #require(plan.uploads.first { $0.key == "drops/b/index.html" })
        #expect(changed.reason == .contentChanged)
        let report = try await publisher(target, clock: clock).publish(buildDirectory: site.build)
        let keys = report.uploaded.map(\.key)
        let record = try #require(report.deployID)
        #expect(keys.count == 4, "\(keys)")
        #expect(keys.contains("drops/b/index.html"))
        #expect(keys.contains { $0.hasPrefix(DeployRecord.objectsFolder) })
        #expect(keys.contains(DeployRecord.key(for: record)))
        #expect(keys.contains(LivePointer.key))
        #expect(try await target.get("drops/b/index.html") == SiteFixture.files(version: 2)["drops/b/index.html"])
    }

    static func headerOnlyChange(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let clock = TestClock()
        _ = try await publisher(target, clock: clock).publish(buildDirectory: site.build)
        clock.advance(60)
        let newCache = "public, max-age=0, s-maxage=300, stale-while-revalidate=60"
        let changed = publisher(target, clock: clock, htmlCacheControl: newCache)
        let plan = try await changed.plan(buildDirectory: site.build)
        let pages = plan.uploads.filter { $0.group == .pages || $0.group == .otherFiles }
        #expect(pages.count == 6)  // 3 pages, feed, catalog, robots.txt
        #expect(pages.allSatisfy { $0.reason == .headersChanged })
        #expect(!plan.uploads.contains { $0.group == .hashedAssets || $0.group == .contentObjects })
        let report = try await changed.publish(buildDirectory: site.build)
        #expect(report.uploaded.count == 8)
        #expect(try await target.head("index.html")?.cacheControl == newCache)
        #expect(try await target.head("robots.txt")?.cacheControl == newCache)
        // Immutable assets keep theirs.
        let css = try #require(SiteFixture.files(version: 1).keys.first { $0.hasSuffix(".css") })
        #expect(try await target.head(css)?.cacheControl == EdgeRules.immutableCacheControl)
        // And it now converges.
        clock.advance(60)
        #expect(try await changed.publish(buildDirectory: site.build).uploaded.isEmpty)
    }

    static func rollback(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        try site.build(version: 1)
        let first = try await publisher(target, clock: clock).publish(buildDirectory: site.build)
        clock.advance(60)
        try site.build(version: 3)  // new stylesheet, every page changes
        let second = try await publisher(target, clock: clock).publish(buildDirectory: site.build)
        #expect(try await target.get("index.html") == SiteFixture.files(version: 3)["index.html"])

        clock.advance(60)
        let events = ProgressLog()
        let config = PublishConfig(htmlCacheControl: EdgeRules.defaultRevalidateCacheControl, workers: 4)
        let report = try await Publisher(target: target, config: config, clock: clock.function,
                                         progress: { events.append($0) }).rollback()
        #expect(report.fromID == second.deployID)
        #expect(report.toID == first.deployID)
        // The plan (files, no bytes: copies upload nothing), each copy, then live.
        #expect(!report.copied.isEmpty)
        #expect(events.lines == ["planned \(report.copied.count) files, 0 bytes"]
                + Array(repeating: "copied", count: report.copied.count) + ["live \(first.deployID!)"])
        for path in ["index.html", "drops/a/index.html", "drops/b/index.html"] {
            #expect(try await target.get(path) == SiteFixture.files(version: 1)[path], "\(path)")
        }
        #expect(try await target.head("index.html")?.contentType == "text/html; charset=utf-8")
        #expect(try await brokenReferences(on: target).isEmpty)
        let deploys = try await publisher(target, clock: clock).deploys()
        #expect(deploys.first { $0.live }?.id == first.deployID)

        // Forward again by id, and a rebuild of v3 after the rollback converges to v3.
        let forward = try await publisher(target, clock: clock).rollback(to: second.deployID)
        #expect(forward.toID == second.deployID)
        #expect(try await target.get("index.html") == SiteFixture.files(version: 3)["index.html"])
        await #expect(throws: PublishError.self) { try await publisher(target, clock: clock).rollback(to: "nope") }
    }

    static func pruneRespectsRetentionAndGrace(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        let cssV1 = try #require(SiteFixture.files(version: 1).keys.first { $0.hasSuffix(".css") })
        let cssV3 = try #require(SiteFixture.files(version: 3).keys.first { $0.hasSuffix(".css") })
        let cssV4 = try #require(SiteFixture.files(version: 4).keys.first { $0.hasSuffix(".css") })
        func make() -> Publisher { publisher(target, clock: clock, retain: 2, grace: 3600, pruneInterval: 0) }

        try site.build(version: 1)
        let first = try await make().publish(buildDirectory: site.build)
        clock.advance(60)
        try site.build(version: 3)
        let second = try await make().publish(buildDirectory: site.build)
        #expect(second.deleted.isEmpty)  // v1 is still in the window of 2
        #expect(try await target.head(cssV1) != nil)

        clock.advance(60)
        try site.build(version: 4)
        let third = try await make().publish(buildDirectory: site.build)
        // v1 left the window, but its objects are younger than the grace period.
        #expect(third.deleted.isEmpty)
        #expect(third.heldBack > 0)
        #expect(try await target.head(cssV1) != nil)

        clock.advance(2 * 3600)
        let later = try await make().publish(buildDirectory: site.build)
        #expect(later.deployID == nil)
        #expect(later.deleted.contains(cssV1))
        #expect(later.deleted.contains(DeployRecord.key(for: try #require(first.deployID))))
        #expect(try await target.head(cssV1) == nil)
        #expect(try await target.head(cssV3) != nil)  // in the window (v3, v4)
        #expect(try await target.head(cssV4) != nil)
        #expect(try await brokenReferences(on: target).isEmpty)
        #expect(try await make().deploys().map(\.id) == [second.deployID, third.deployID].compactMap { $0 })
    }

    static func maxDeletesGuard(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        func make() -> Publisher { publisher(target, clock: clock, retain: 1, grace: 0, maxDeletes: 1, pruneInterval: 0) }
        try site.build(version: 1)
        _ = try await make().publish(buildDirectory: site.build)
        // Well past the objects' real modification times (the clock starts at the real time, and
        // a publish on a loaded machine can take a minute): every one of v1 is prunable from here on.
        clock.advance(3600)
        try site.build(version: 3)
        let refused = try await make().publish(buildDirectory: site.build)
        #expect(refused.deleted.isEmpty)
        #expect(refused.pruneRefused > 1)
        #expect(!refused.warnings.isEmpty)
        clock.advance(60)
        let allowed = try await make().publish(buildDirectory: site.build, allowManyDeletes: true)
        #expect(allowed.deleted.count == refused.pruneRefused)
        #expect(try await brokenReferences(on: target).isEmpty)
    }

    static func interruptedDeployConverges(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        try site.build(version: 1)
        _ = try await publisher(target, clock: clock).publish(buildDirectory: site.build)
        try site.build(version: 3)
        var created: [String] = []
        for cut in [2, 4, 4] {  // after the pending record and the asset, after the copies, after the pages
            clock.advance(60)
            let interrupted = RecordingTarget(target, failAfterPuts: cut)
            await #expect(throws: RecordingTarget.Interrupted.self) {
                _ = try await publisher(interrupted, clock: clock).publish(buildDirectory: site.build)
            }
            created += interrupted.created
            #expect(interrupted.violations.isEmpty, "\(interrupted.violations)")
            #expect(try await brokenReferences(on: target).isEmpty)
        }
        clock.advance(60)
        let rerun = RecordingTarget(target)
        let report = try await publisher(rerun, clock: clock).publish(buildDirectory: site.build)
        #expect(report.deployID != nil)
        #expect(rerun.violations.isEmpty)
        // Nothing that already landed is sent again (only records and the pointer are rewritten).
        created += rerun.created
        let content = created.filter { !DeployRecord.isRecordKey($0) && $0 != LivePointer.key }
        #expect(content.count == Set(content).count, "sent twice: \(content.sorted())")
        #expect(Set(content).count == 7, "\(content.sorted())")  // css, 3 pages, 3 rollback copies
        #expect(try await publisher(target, clock: clock).plan(buildDirectory: site.build).isUpToDate)
        #expect(try await target.get("index.html") == SiteFixture.files(version: 3)["index.html"])
    }
}

/// Progress events as lines, in the order they arrived.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    func append(_ event: PublishProgress) {
        let line = switch event {
        case let .planned(files, bytes): "planned \(files) files, \(bytes) bytes"
        case .uploaded: "uploaded"
        case .copied: "copied"
        case .verified: "verified"
        case .deleted: "deleted"
        case let .live(id): "live \(id)"
        }
        lock.withLock { recorded.append(line) }
    }

    var lines: [String] { lock.withLock { recorded } }
}
