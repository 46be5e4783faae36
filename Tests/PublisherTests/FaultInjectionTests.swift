import Foundation
import Testing
@testable import Publisher

/// Deploys through `scripts/s3-fault-proxy.py`, which answers a share of requests with 500,
/// 503 SlowDown (Retry-After), a reset before or after forwarding, or a stall.
@Suite("Fault injection through a failing proxy", .enabled(if: S3TestServer.shouldRun), .serialized)
struct FaultInjectionTests {
    static let retry = RetryPolicy(maxAttempts: 12, baseDelay: 0.02, maxDelay: 0.5, maxRetryAfter: 1)

    @Test func deployConvergesThroughFaults() async throws {
        let prefix = "fault-\(UUID().uuidString.prefix(8).lowercased())"
        let direct = try S3TestServer.target(prefix: prefix)
        let faulty = try S3TestServer.target(prefix: prefix, throughFaultProxy: true, retry: Self.retry, requestTimeout: 2)
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()

        for version in [1, 3, 2] {
            try site.build(version: version)
            let recording = RecordingTarget(faulty)
            let report = try await BehaviourSuite.publisher(recording, clock: clock).publish(buildDirectory: site.build)
            #expect(report.deployID != nil)
            #expect(recording.violations.isEmpty, "\(recording.violations)")
            #expect(try await brokenReferences(on: direct).isEmpty)
            // Converged: seen without the proxy, the target serves exactly this build.
            #expect(try await BehaviourSuite.publisher(direct, clock: clock).plan(buildDirectory: site.build).isUpToDate)
            #expect(try await direct.get("index.html") == SiteFixture.files(version: version)["index.html"])
            clock.advance(60)
        }
        #expect(faulty.counters.retries > 0, "the proxy injected no fault that needed a retry")
    }

    @Test func interruptedThenRerunThroughFaults() async throws {
        let prefix = "fault-\(UUID().uuidString.prefix(8).lowercased())"
        let direct = try S3TestServer.target(prefix: prefix)
        let faulty = try S3TestServer.target(prefix: prefix, throughFaultProxy: true, retry: Self.retry, requestTimeout: 2)
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        try site.build(version: 1)
        _ = try await BehaviourSuite.publisher(faulty, clock: clock).publish(buildDirectory: site.build)
        try site.build(version: 3)
        clock.advance(60)
        let cut = RecordingTarget(faulty, failAfterPuts: 5)
        await #expect(throws: RecordingTarget.Interrupted.self) {
            _ = try await BehaviourSuite.publisher(cut, clock: clock).publish(buildDirectory: site.build)
        }
        #expect(try await brokenReferences(on: direct).isEmpty)
        clock.advance(60)
        _ = try await BehaviourSuite.publisher(faulty, clock: clock).publish(buildDirectory: site.build)
        #expect(try await BehaviourSuite.publisher(direct, clock: clock).plan(buildDirectory: site.build).isUpToDate)
        #expect(try await brokenReferences(on: direct).isEmpty)
    }

    @Test func exhaustedRetriesNameTheKey() async throws {
        // A store that takes the connection and never answers: every attempt times out, which
        // could heal. (A refused connection fails at once: DeadEndpointTests.)
        let store = try SilentStore()
        defer { withExtendedLifetime(store) {} }
        let target = S3Target(bucket: "site", endpoint: URL(string: store.endpoint)!, region: "us-east-1",
                              pathStyle: true, accessKeyID: "a", secretAccessKey: "b",
                              retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.01), requestTimeout: 0.3)
        do {
            _ = try await target.head("drops/a/index.html")
            Issue.record("HEAD against a closed port succeeded")
        } catch let error as PublishError {
            guard case let .retriesExhausted(_, operation, key, attempts, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(operation == "HEAD")
            #expect(key == "drops/a/index.html")
            #expect(attempts == 3)
            #expect(target.counters.retries == 2)
        }
    }
}
