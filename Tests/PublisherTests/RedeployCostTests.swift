import Crypto
import Foundation
import Testing
@testable import Publisher
@testable import SiteManifest

/// What a re-deploy costs in requests, and the checks that replaced a HEAD per upload.
enum RedeployCost {
    /// Requests of one publish, counted on the target.
    static func requests(_ target: any PublishTarget, _ run: () async throws -> PublishReport) async throws
        -> (report: PublishReport, requests: Int) {
        let before = target.counters.requests
        let report = try await run()
        return (report, target.counters.requests - before)
    }

    /// A no-change publish reads the pending records and the pointer (at once), then the live
    /// record; a one-drop edit adds the pending record, the page and its rollback copy, the
    /// record, the pointer and the pending record's removal (`oneEdit`: the target's count, with
    /// a target that answers no ETag HEADing each upload). When a prune is due, it lists again.
    static func fixedCost(_ target: any PublishTarget, oneEdit: Int) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        func make() -> Publisher { BehaviourSuite.publisher(target, clock: clock) }
        try site.build(version: 1)
        _ = try await make().publish(buildDirectory: site.build)

        clock.advance(60)
        let same = try await requests(target) { try await make().publish(buildDirectory: site.build) }
        #expect(same.report.deployID == nil)
        #expect(same.requests == 3)

        clock.advance(60)
        try site.build(version: 2)
        let edit = try await requests(target) { try await make().publish(buildDirectory: site.build) }
        #expect(edit.report.uploaded.map(\.key).contains("drops/b/index.html"))
        #expect(edit.report.uploaded.count == 4, "\(edit.report.uploaded.map(\.key))")
        #expect(edit.requests == oneEdit)
        #expect(try await target.get("drops/b/index.html") == SiteFixture.files(version: 2)["drops/b/index.html"])
        #expect(try await make().plan(buildDirectory: site.build).isUpToDate)

        // Until an hour after the last prune (the first deploy's), no publish lists the target;
        // then the next one does, prunes what is due, and says so in the pointer.
        func prunedAt() async throws -> String? { try await target.get(LivePointer.key).map(LivePointer.decode)?.prunedAt }
        let first = try await prunedAt()
        #expect(first != nil)
        clock.advance(3600)
        try site.build(version: 1)
        _ = try await make().publish(buildDirectory: site.build)
        #expect(try await prunedAt() == RFC3339.format(clock.now))
        #expect(try await prunedAt() != first)
        clock.advance(60)
        let after = try await requests(target) { try await make().publish(buildDirectory: site.build) }
        #expect(after.requests == 3)
        #expect(try await brokenReferences(on: target).isEmpty)
    }
}

@Suite("Re-deploy cost")
struct RedeployCostTests {
    @Test func localFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-edge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // 9 requests as S3, a HEAD of each of the 4 uploads (a file's sidecar read), and the
        // listing `_headers` is written from.
        try await RedeployCost.fixedCost(LocalFolderTarget(root: folder), oneEdit: 14)
    }

    @Test(.enabled(if: S3TestServer.shouldRun)) func s3() async throws {
        try await RedeployCost.fixedCost(try S3TestServer.target(), oneEdit: 9)
    }

    @Test func pointerPruneTimeIsReadAsData() throws {
        let bad = try JSONSerialization.data(withJSONObject: [
            "id": "20261118T110640Z-00000000", "history": [], "updated_at": "", "pruned_at": "yesterday",
        ])
        let error = try #require(throws: PublishError.self) { _ = try LivePointer.decode(bad) }
        #expect(error.description == ".dropgen/live.json: unreadable deploy record: pruned_at 'yesterday' is not an RFC 3339 time")
        let good = LivePointer(id: "20261118T110640Z-00000000", history: [], updatedAt: "", prunedAt: "2026-11-18T11:06:40Z")
        #expect(try LivePointer.decode(good.encoded()) == good)
        #expect(good.moving(to: "20261118T110700Z-00000001", at: Date()).prunedAt == good.prunedAt)
    }
}

/// A folder target that answers a PUT with an ETag as S3 does, honestly or lying in a given
/// way: an ETag that is not the MD5 of what was sent, or headers stored other than sent. The
/// publisher must notice either. Counts its HEADs.
final class LyingTarget: PublishTarget, @unchecked Sendable {
    enum Lie: Sendable { case honest, etag, cacheControl }
    let base: LocalFolderTarget
    let lie: Lie
    private let lock = NSLock()
    private var _heads = 0
    var heads: Int { lock.withLock { _heads } }

    init(_ base: LocalFolderTarget, lie: Lie) {
        self.base = base
        self.lie = lie
    }

    var displayName: String { base.displayName }
    var counters: RequestCounters { base.counters }
    func list(prefix: String) async throws -> [RemoteObject] { try await base.list(prefix: prefix) }
    func head(_ key: String) async throws -> RemoteObject? {
        lock.withLock { _heads += 1 }
        return try await base.head(key)
    }
    func get(_ key: String) async throws -> Data? { try await base.get(key) }
    func open(forWriting: Bool) async throws { try await base.open(forWriting: forWriting) }
    func didChangeLive() async throws { try await base.didChangeLive() }
    func delete(_ key: String) async throws { try await base.delete(key) }
    func copy(from source: String, to key: String, headers: ObjectHeaders) async throws {
        try await base.copy(from: source, to: key, headers: headers)
    }

    func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool) async throws -> PutResult {
        try await base.put(key, body: body, headers: headers, createOnly: createOnly)
    }

    /// The MD5 of the body as ETag, or (`.etag`) that of other bytes; with `.cacheControl` the
    /// object keeps a Cache-Control of the store's own.
    func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool, digests: BodyDigests) async throws
        -> PutOutcome {
        var stored = headers
        if lie == .cacheControl { stored.cacheControl = "max-age=600" }
        let result = try await base.put(key, body: body, headers: stored, createOnly: createOnly)
        let etag = lie == .etag ? Array(Insecure.MD5.hash(data: Data("other".utf8))).hex : digests.md5Hex
        return PutOutcome(result: result, etag: etag)
    }
}

@Suite("Verification from the PUT's answer")
struct PutVerificationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var lie: LyingTarget.Lie
        var field: String
        var testDescription: String { "\(lie)" }
    }

    @Test(arguments: [Case(lie: .etag, field: "etag"), Case(lie: .cacheControl, field: "cache-control")])
    func aStoreThatKeepsOtherThanSentFailsThePublish(_ example: Case) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-edge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let target = LyingTarget(LocalFolderTarget(root: folder), lie: example.lie)
        do {
            _ = try await BehaviourSuite.publisher(target, clock: TestClock()).publish(buildDirectory: site.build)
            Issue.record("a publish onto a store answering other than it was sent succeeded")
        } catch let PublishError.verificationFailed(mismatches) {
            #expect(!mismatches.isEmpty)
            #expect(mismatches.allSatisfy { $0.field == example.field }, "\(mismatches)")
        }
        // Nothing went live.
        #expect(try await target.get(LivePointer.key) == nil)
    }

    /// With honest answers, one HEAD per Content-Type and Cache-Control pair, not one per upload.
    @Test func oneHeadPerHeaderPair() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-edge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let site = try SiteFixture()
        defer { site.remove() }
        let manifest = try site.build(version: 1)
        let target = LyingTarget(LocalFolderTarget(root: folder), lie: .honest)
        let publisher = BehaviourSuite.publisher(target, clock: TestClock())
        let plan = try await publisher.plan(buildDirectory: site.build)
        let pairs = Set(plan.uploads.map { [$0.headers.contentType, $0.headers.cacheControl] })
        #expect(pairs.count < plan.uploads.count)
        let report = try await publisher.publish(buildDirectory: site.build)
        #expect(report.uploaded.count == manifest.files.count + 6 + 2)
        #expect(target.heads == pairs.count)
    }
}
