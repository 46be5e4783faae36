// Deploy records and the live pointer, as read back from a target: what `decode` accepts must be
// usable (its totals, keys and history computed without a trap) and must encode and decode to
// the same value.
import Foundation
@testable import Publisher

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let json = Data(bytes: data, count: size)
    // Stored under its own id's key, as a record of ours is; and under some other key.
    let key = (try? JSONDecoder().decode(DeployRecord.self, from: json)).map(\.key) ?? DeployRecord.key(for: "20261129T013000Z-0123abcd")
    for key in [key, ".dropgen/deploys/other.json"] {
        guard let record = try? DeployRecord.decode(json, key: key) else { continue }
        _ = record.totalBytes
        _ = record.referencedKeys
        let again: DeployRecord
        do {
            again = try DeployRecord.decode(try record.encoded(), key: key)
        } catch {
            fail("encoded and decoded again, it is refused: \(error)", json)
        }
        guard again == record else { fail("encoded and decoded again, it reads as \(again), not \(record)", json) }
    }
    if let pointer = try? LivePointer.decode(json) {
        _ = pointer.retainedIDs(retain: 5)
        let moved = pointer.moving(to: "20261129T013000Z-0123abcd", at: Date(timeIntervalSince1970: 1_800_000_000))
        do {
            guard try LivePointer.decode(try pointer.encoded()) == pointer else { fail("the pointer does not survive encoding", json) }
            _ = try LivePointer.decode(try moved.encoded())
        } catch {
            fail("encoded and decoded again, the pointer is refused: \(error)", json)
        }
    }
    return 0
}

func fail(_ what: String, _ json: Data) -> Never {
    FileHandle.standardError.write(Data("DEPLOY RECORD PROPERTY VIOLATED:\n\(what)\nin: \(String(decoding: json, as: UTF8.self).debugDescription)\n".utf8))
    fatalError("deploy record property violated")
}
