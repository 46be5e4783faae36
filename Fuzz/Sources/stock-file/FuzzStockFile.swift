// `dropgen stock apply` files: whatever events the parser returns must be applicable (no
// `problem`) and carry distinct ids, or the ledger would drop a row as a redelivery.
import Foundation
import StockLedger

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let events = try? StockFile.parse(bytes, path: "stock.csv", at: Date(timeIntervalSince1970: 1_800_000_000)) else { return 0 }
    var ids: Set<String> = []
    for event in events {
        if let problem = event.problem { fail("returned event \(event) has a problem: \(problem)", bytes) }
        guard ids.insert(event.id).inserted else { fail("the id \(event.id.debugDescription) is returned twice", bytes) }
    }
    return 0
}

func fail(_ what: String, _ bytes: Data) -> Never {
    FileHandle.standardError.write(Data("STOCK FILE PROPERTY VIOLATED:\n\(what)\nin: \(String(decoding: bytes, as: UTF8.self).debugDescription)\n".utf8))
    fatalError("stock file property violated")
}
