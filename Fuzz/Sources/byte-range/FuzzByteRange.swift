// The `Range:` header of `serve`: the first byte picks a file size, the rest is the header.
// A satisfiable range must lie inside the file, and only a single well-formed `bytes=` range
// may be served partially.
import Foundation

let sizes = [0, 1, 2, 10, 100, 1024, 65_536, 1 << 40, Int.max - 1, Int.max]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let fileSize = sizes[Int(data[0]) % sizes.count]
    let header = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let range = ByteRange.parse(header, size: fileSize)
    switch range {
    case .satisfiable(let bytes):
        guard bytes.lowerBound >= 0, bytes.upperBound < fileSize else { fail("\(bytes) of a file of \(fileSize) bytes", header) }
        let spec = header.trimmingCharacters(in: .whitespaces)
        guard spec.lowercased().hasPrefix("bytes="), !spec.contains(","), spec.contains("-") else {
            fail("\(bytes) served for a header that is not one byte range", header)
        }
    case .unsatisfiable:
        guard header.lowercased().contains("bytes=") else { fail("416 for a header that names no byte range", header) }
    case .ignored:
        break
    }
    return 0
}

func fail(_ what: String, _ header: String) -> Never {
    FileHandle.standardError.write(Data("BYTE RANGE PROPERTY VIOLATED:\n\(what)\nin: \(header.debugDescription)\n".utf8))
    fatalError("byte range property violated")
}
