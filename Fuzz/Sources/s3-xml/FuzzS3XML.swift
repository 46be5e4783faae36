// S3's XML answers (ListObjectsV2 pages, error bodies). A page that is read must read the same
// when written out again with its text escaped.
import Foundation
@testable import Publisher

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    _ = S3ErrorBody.parse(body)
    guard let page = try? ListBucketResult.parse(body) else { return 0 }
    var strings = page.contents.flatMap { [$0.key] + ($0.etag.map { [$0] } ?? []) }
    if let token = page.nextContinuationToken { strings.append(token) }
    // Only text XML 1.0 can carry, and none that XMLParser would split into white space alone.
    guard strings.allSatisfy(writable) else { return 0 }
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult>"
    xml += "<IsTruncated>\(page.isTruncated)</IsTruncated>"
    if let token = page.nextContinuationToken { xml += "<NextContinuationToken>\(escape(token))</NextContinuationToken>" }
    for item in page.contents {
        xml += "<Contents><Key>\(escape(item.key))</Key><Size>\(item.size)</Size>"
        if let etag = item.etag { xml += "<ETag>\"\(escape(etag))\"</ETag>" }
        xml += "</Contents>"
    }
    xml += "</ListBucketResult>"
    let again: ListBucketResult
    do {
        again = try ListBucketResult.parse(Data(xml.utf8))
    } catch {
        fail("written out again, it is refused: \(error)\n\(xml)", body)
    }
    var expected = page
    for index in expected.contents.indices { expected.contents[index].lastModified = nil }
    guard again == expected else { fail("written out again, it reads as\n\(again)\nnot\n\(expected)", body) }
    return 0
}

func writable(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy { scalar in
        let v = scalar.value
        return (v >= 0x20 && v != 0x7F && !(0xD800...0xDFFF).contains(v) && v != 0xFFFE && v != 0xFFFF) || v == 0x09 || v == 0x0A
    } && !text.contains("\r")
}

func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

func fail(_ what: String, _ body: Data) -> Never {
    FileHandle.standardError.write(Data("S3 XML PROPERTY VIOLATED:\n\(what)\nin: \(String(decoding: body, as: UTF8.self).debugDescription)\n".utf8))
    fatalError("S3 XML property violated")
}
