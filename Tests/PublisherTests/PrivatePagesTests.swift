import Crypto
import Foundation
import Testing
@testable import Publisher
@testable import SiteManifest

/// The personal early-access pages (`access/…`, cache class `private`): no rollback copy, and a
/// page the new deploy does not have is deleted at once, whatever the retention window and grace.
@Suite struct PrivatePagesTests {
    static let now = DeployPlanTests.now
    static let sha = (a: String(repeating: "a", count: 64), b: String(repeating: "b", count: 64), c: String(repeating: "c", count: 64))

    @Test func aPageTheNewDeployDropsIsPrunedAtOnce() {
        let live = DeployRecord(id: DeployRecord.makeID(now: Self.now.addingTimeInterval(-60), manifestSHA256: Self.sha.c),
                                createdAt: RFC3339.format(Self.now.addingTimeInterval(-60)), manifestSHA256: Self.sha.c, files: [
            DeployPlanTests.file("index.html", Self.sha.a),
            DeployPlanTests.file("access/kept/index.html", Self.sha.b, cache: EdgeRules.privateCacheControl),
            DeployPlanTests.file("access/revoked/index.html", Self.sha.b, cache: EdgeRules.privateCacheControl),
            DeployPlanTests.file("drops/old/index.html", Self.sha.c),
        ].map(\.recorded))
        let remote = ["index.html", "access/kept/index.html", "access/revoked/index.html", "drops/old/index.html",
                      ".dropgen/objects/\(Self.sha.a)", ".dropgen/objects/\(Self.sha.c)", live.key]
            .map { DeployPlanTests.remote($0, age: 60) }
        let local = BuildManifest(files: [DeployPlanTests.entry("index.html", Self.sha.a),
                                          DeployPlanTests.entry("access/kept/index.html", Self.sha.b)])
        let plan = DeployPlan.make(local: local, live: live, pointer: nil, remote: Dictionary(uniqueKeysWithValues: remote.map { ($0.key, $0) }),
                                   retained: [live], config: DeployPlanTests.config, now: Self.now)
        #expect(plan.prune.map(\.key) == ["access/revoked/index.html"])
        // An ordinary page stays for the retention window (the live deploy is in it) and the grace period.
        #expect(!plan.prune.contains { $0.key == "drops/old/index.html" })
        let record = try! #require(plan.record)
        let kept = DeployRecord.File.recordedPath("access/kept/index.html")
        #expect(kept == "access/#" + SHA256.hash(data: Data("access/kept/index.html".utf8)).hex)
        #expect(record.files.first { $0.path == kept }?.cacheControl == "private, no-store")
        // The record names a personal page by a hash of its path, never by the token in it.
        #expect(!record.files.contains { $0.path.contains("kept") || $0.path.contains("revoked") })
        #expect(!plan.uploads.contains { $0.key == "access/kept/index.html" })
        #expect(!record.referencedKeys.contains(".dropgen/objects/\(Self.sha.b)"))
        #expect(!plan.uploads.contains { $0.key == ".dropgen/objects/\(Self.sha.b)" })
    }
}
