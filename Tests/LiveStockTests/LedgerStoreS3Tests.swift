import Foundation
import LiveStock
import Publisher
import Testing

/// `LedgerStore` against the SeaweedFS S3 server that `make test` starts (`scripts/s3-server.sh`),
/// found through DROPGEN_TEST_S3_*: skipped when they are not set, failing under CI without them,
/// as the Publisher's integration tests do.
@Suite(.enabled(if: LedgerS3Server.shouldRun))
struct LedgerStoreS3Tests {
    static func target() throws -> S3Target { try LedgerS3Server.target() }

    @Test func readOfATargetWithoutALedgerIsEmpty() async throws {
        let ledger = try await LedgerStore(target: Self.target()).read()
        #expect(ledger == .empty)
    }

    @Test func writeThenRead() async throws { try await LedgerStoreBehaviour.writeThenRead(Self.target()) }
    @Test func aRetryOfTheSameWriteIsFine() async throws { try await LedgerStoreBehaviour.retryIsIdempotent(Self.target()) }
    @Test func aSecondWriterOfTheSameVersionLoses() async throws { try await LedgerStoreBehaviour.createOnlyConflict(Self.target()) }
    @Test func aStaleWriterLoses() async throws { try await LedgerStoreBehaviour.staleWriterLoses(Self.target()) }
    @Test func aPointerLeftBehindCatchesUp() async throws { try await LedgerStoreBehaviour.pointerLeftBehindCatchesUp(Self.target()) }
    @Test func onlyTheLastTenVersionsAreKept() async throws { try await LedgerStoreBehaviour.prunesOldVersions(Self.target()) }
    @Test func invalidBytesAtTheTargetAreRefusedNamingTheKey() async throws { try await LedgerStoreBehaviour.refusesInvalidBytes(Self.target()) }
    @Test func aPublishAndItsPruneLeaveTheLedgerAlone() async throws { try await LedgerStoreBehaviour.publishLeavesLedger(Self.target()) }
}

/// The S3 test server's settings from the environment.
private enum LedgerS3Server {
    static let environment = ProcessInfo.processInfo.environment

    static let shouldRun: Bool = {
        if environment["DROPGEN_TEST_S3_ENDPOINT"] != nil || !(environment["CI"] ?? "").isEmpty { return true }
        FileHandle.standardError.write(Data("LiveStockTests: S3 ledger tests skipped: DROPGEN_TEST_S3_* not set (make test sets them).\n".utf8))
        return false
    }()

    struct Missing: Error, CustomStringConvertible {
        var description: String { "CI is set but the S3 test server is not: DROPGEN_TEST_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY missing" }
    }

    /// A target on a fresh prefix of its own, so tests never see each other's objects.
    static func target() throws -> S3Target {
        guard let endpoint = environment["DROPGEN_TEST_S3_ENDPOINT"].flatMap(URL.init(string:)),
              let access = environment["DROPGEN_TEST_S3_ACCESS_KEY"], let secret = environment["DROPGEN_TEST_S3_SECRET_KEY"] else {
            throw Missing()
        }
        return S3Target(bucket: environment["DROPGEN_TEST_S3_BUCKET"] ?? "site", prefix: "ledger-\(UUID().uuidString.prefix(8).lowercased())",
                        endpoint: endpoint, region: "us-east-1", pathStyle: true, accessKeyID: access, secretAccessKey: secret,
                        retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.05), requestTimeout: 30)
    }
}
