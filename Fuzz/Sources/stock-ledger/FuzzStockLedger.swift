// The stock ledger, as read back from a target: what `decode` accepts must encode and decode to
// the same value, and applying a sale and a reset to it must keep every drop's stock at 0 or more.
import Foundation
import StockLedger

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = Data(bytes: data, count: size)
    guard let ledger = try? StockLedger.decode(json) else { return 0 }
    let again: StockLedger
    do {
        again = try StockLedger.decode(ledger.encoded())
    } catch {
        fail("encoded and decoded again, it is refused: \(error)", json)
    }
    guard again == ledger else { fail("encoded and decoded again, it reads as \(again), not \(ledger)", json) }
    // A drop the ledger holds (if any) and one it may not: sold more than it has, then reset.
    let at = Date(timeIntervalSince1970: 1_800_000_000)
    var applied = ledger
    for drop in [ledger.entries.keys.min() ?? "mug", "mug"] {
        _ = applied.apply([
            StockEvent(id: "fuzz-sold-\(drop)", drop: drop, change: .sold(7), at: at, source: "dropgen"),
            StockEvent(id: "fuzz-remaining-\(drop)", drop: drop, change: .remaining(2), at: at, source: "set"),
            StockEvent(id: "fuzz-sold-again-\(drop)", drop: drop, change: .sold(10_000), at: at, source: "stripe"),
        ], opening: { _ in 5 })
    }
    if let (drop, entry) = applied.entries.first(where: { $0.value.remaining < 0 }) {
        fail("after a sale and a reset, \(drop) has \(entry.remaining) remaining", json)
    }
    return 0
}

func fail(_ what: String, _ json: Data) -> Never {
    FileHandle.standardError.write(Data("STOCK LEDGER PROPERTY VIOLATED:\n\(what)\nin: \(String(decoding: json, as: UTF8.self).debugDescription)\n".utf8))
    fatalError("stock ledger property violated")
}
