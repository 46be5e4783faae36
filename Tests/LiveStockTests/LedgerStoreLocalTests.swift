import Foundation
import LiveStock
import Publisher
import StockLedger
import Testing

/// `LedgerStore` against the local folder target in a temp folder.
@Suite struct LedgerStoreLocalTests {
    static func ledger(selling units: [Int], from opening: Int = 100) -> StockLedger {
        var ledger = StockLedger.empty
        for (index, sold) in units.enumerated() {
            _ = ledger.apply([StockEvent(id: "e\(index)", drop: "mug", change: .sold(sold),
                                         at: Date(timeIntervalSince1970: 1_796_000_000 + Double(index)), source: "dropgen")],
                             opening: { _ in opening })
        }
        return ledger
    }

    static func withTarget(_ body: (LocalFolderTarget, URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(LocalFolderTarget(root: folder), folder)
    }

    @Test func readOfATargetWithoutALedgerIsEmpty() async throws {
        try await Self.withTarget { target, _ in
            #expect(try await LedgerStore(target: target).read() == .empty)
        }
    }

    @Test func writeThenReadRoundTrips() async throws {
        try await Self.withTarget { target, _ in
            let store = LedgerStore(target: target)
            let ledger = Self.ledger(selling: [1, 2])
            try await store.write(ledger)
            #expect(try await store.read() == ledger)
            #expect(try await target.get(StockLedger.key) == ledger.encoded())
            #expect(try await target.get(".dropgen/stock/0000000002.json") == ledger.encoded())
        }
    }
}
