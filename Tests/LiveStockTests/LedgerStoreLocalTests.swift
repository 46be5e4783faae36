import Foundation
import LiveStock
import Publisher
import SiteManifest
import SiteSource
import StockLedger
import Testing

/// `LedgerStore` against the local folder target in a temp folder.
@Suite struct LedgerStoreLocalTests {
    static func withTarget(_ body: (LocalFolderTarget) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(LocalFolderTarget(root: folder))
    }

    @Test func readOfATargetWithoutALedgerIsEmpty() async throws {
        try await Self.withTarget { target in
            let ledger = try await LedgerStore(target: target).read()
            #expect(ledger == .empty)
        }
    }

    @Test func writeThenRead() async throws {
        try await Self.withTarget { target in
            try await LedgerStoreBehaviour.writeThenRead(target)
            // Served as deploy records are: the headers in the sidecar.
            let head = try #require(try await target.head(StockLedger.key))
            #expect(head.contentType == "application/json; charset=utf-8")
            #expect(head.cacheControl == "no-cache")
        }
    }

    @Test func aRetryOfTheSameWriteIsFine() async throws {
        try await Self.withTarget { try await LedgerStoreBehaviour.retryIsIdempotent($0) }
    }

    @Test func aSecondWriterOfTheSameVersionLoses() async throws {
        try await Self.withTarget { try await LedgerStoreBehaviour.createOnlyConflict($0) }
    }

    @Test func aStaleWriterLoses() async throws {
        try await Self.withTarget { try await LedgerStoreBehaviour.staleWriterLoses($0) }
    }

    @Test func aPointerLeftBehindCatchesUp() async throws {
        try await Self.withTarget { try await LedgerStoreBehaviour.pointerLeftBehindCatchesUp($0) }
    }

    @Test func onlyTheLastTenVersionsAreKept() async throws {
        try await Self.withTarget { try await LedgerStoreBehaviour.prunesOldVersions($0) }
    }

    @Test func invalidBytesAtTheTargetAreRefusedNamingTheKey() async throws {
        try await Self.withTarget { try await LedgerStoreBehaviour.refusesInvalidBytes($0) }
    }

    @Test func aPublishAndItsPruneLeaveTheLedgerAlone() async throws {
        try await Self.withTarget { try await LedgerStoreBehaviour.publishLeavesLedger($0) }
    }

    @Test func versionKeys() {
        #expect(LedgerStore.versionKey(0) == ".dropgen/stock/0000000000.json")
        #expect(LedgerStore.versionKey(42) == ".dropgen/stock/0000000042.json")
        #expect(LedgerStore.versionKey(9_999_999_999) == ".dropgen/stock/9999999999.json")
    }
}
