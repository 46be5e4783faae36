// Differential: the byte-level front-matter splitter (FrontMatterSplit) against the definition
// it replaced: split the text into lines with `String.split(separator: "\n")` (so "\r\n" is one
// character, not a break), the first line must be `---` and the next `---` or `...` closes,
// each once trimmed of `.whitespaces`; the YAML and the body are the lines between and after,
// joined with "\n".
import Foundation
@testable import SiteSource

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let split = FrontMatterSplit(text)
    let expected = reference(text)
    switch (split, expected) {
    case (nil, nil):
        return 0
    case (let split?, let expected?):
        let parts = split.parts
        switch (parts, expected) {
        case (nil, nil): return 0
        case let ((yaml, body)?, (yaml2, body2)?):
            if yaml.utf8.elementsEqual(yaml2.utf8) && body.utf8.elementsEqual(body2.utf8) { return 0 }
            mismatch("yaml \(yaml.debugDescription) body \(body.debugDescription), expected yaml \(yaml2.debugDescription) body \(body2.debugDescription)", text)
        default:
            mismatch("closed: \(parts != nil), expected closed: \(expected != nil)", text)
        }
    default:
        mismatch("front matter found: \(split != nil), expected: \(expected != nil)", text)
    }
}

/// nil: no front matter; .some(nil): not closed; else the YAML and the body.
func reference(_ text: String) -> (String, String)?? {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.first.map({ $0.trimmingCharacters(in: .whitespaces) }) != "---" { return nil }
    lines.removeFirst()
    guard let end = lines.firstIndex(where: { let t = $0.trimmingCharacters(in: .whitespaces); return t == "---" || t == "..." }) else {
        return .some(nil)
    }
    return (lines[..<end].joined(separator: "\n"), lines[(end + 1)...].joined(separator: "\n"))
}

func mismatch(_ what: String, _ text: String) -> Never {
    FileHandle.standardError.write(Data("DIFFERENTIAL MISMATCH (FrontMatterSplit vs String.split):\n\(what)\nin: \(text.debugDescription)\n".utf8))
    fatalError("FrontMatterSplit disagrees with its definition")
}
