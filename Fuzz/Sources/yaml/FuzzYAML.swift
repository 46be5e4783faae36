// Differential: the YAML fast path (SimpleYAML) against Yams. On every document the fast path
// accepts, Yams must build the same tree, down to each node's string, style and mark (what
// SimpleYAMLTests checks), and wrapped as dropgen's own nodes it must compare equal; declining
// (nil) is always allowed.
import Foundation
@testable import SiteSource
import Yams

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let fast = SimpleYAML.compose(yaml) else { return 0 }
    let reference: Node?
    do {
        reference = try Yams.compose(yaml: yaml, mergeOnly, .default, .utf8)
    } catch {
        mismatch("Yams refuses what the fast path accepts: \(error)", yaml)
    }
    guard let reference else { mismatch("Yams finds no document, the fast path does", yaml) }
    let found = SimpleYAML.differences(fast, reference)
    if !found.isEmpty { mismatch(found.joined(separator: "\n"), yaml) }
    if fast != YAMLNode(reference) { mismatch("the trees differ as YAMLNode compares them", yaml) }
    return 0
}

/// A trap, so that libFuzzer saves the input as a crash and stops.
func mismatch(_ what: String, _ yaml: String) -> Never {
    FileHandle.standardError.write(Data("DIFFERENTIAL MISMATCH (SimpleYAML vs Yams):\n\(what)\nin: \(yaml.debugDescription)\n".utf8))
    fatalError("SimpleYAML and Yams disagree")
}
