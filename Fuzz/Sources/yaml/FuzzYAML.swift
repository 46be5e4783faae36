// Differential: the YAML fast path (SimpleYAML) against Yams. On every document the fast path
// accepts, Yams must build the same tree, down to each node's string, style, tag and mark
// (what SimpleYAMLTests checks); declining (nil) is always allowed.
import Foundation
@testable import SiteBuilder
import Yams

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let fast = SimpleYAML.compose(yaml, resolver: mergeOnly) else { return 0 }
    let reference: Node?
    do {
        reference = try Yams.compose(yaml: yaml, mergeOnly, .default, .utf8)
    } catch {
        mismatch("Yams refuses what the fast path accepts: \(error)", yaml)
    }
    guard let reference else { mismatch("Yams finds no document, the fast path does", yaml) }
    let found = differences(fast, reference, at: "")
    if !found.isEmpty { mismatch(found.joined(separator: "\n"), yaml) }
    if fast != reference { mismatch("the trees differ as Yams compares them", yaml) }
    return 0
}

/// A trap, so that libFuzzer saves the input as a crash and stops.
func mismatch(_ what: String, _ yaml: String) -> Never {
    FileHandle.standardError.write(Data("DIFFERENTIAL MISMATCH (SimpleYAML vs Yams):\n\(what)\nin: \(yaml.debugDescription)\n".utf8))
    fatalError("SimpleYAML and Yams disagree")
}

/// Node by node, as `SimpleYAMLCheck.differences` in Tests/SiteBuilderTests/SimpleYAMLTests.swift.
func differences(_ fast: Node, _ yams: Node, at path: String) -> [String] {
    func mark(_ mark: Mark?) -> String { mark.map(\.description) ?? "none" }
    var found: [String] = []
    func check(_ what: String, _ a: String, _ b: String) {
        if a != b { found.append("\(path) \(what): fast \(a.debugDescription), Yams \(b.debugDescription)") }
    }
    switch (fast, yams) {
    case let (.scalar(a), .scalar(b)):
        check("string", a.string, b.string)
        check("bytes", Array(a.string.utf8).description, Array(b.string.utf8).description)
        check("style", "\(a.style)", "\(b.style)")
        check("tag", a.tag.description, b.tag.description)
        check("mark", mark(a.mark), mark(b.mark))
    case let (.mapping(a), .mapping(b)):
        check("style", "\(a.style)", "\(b.style)")
        check("tag", a.tag.description, b.tag.description)
        check("mark", mark(a.mark), mark(b.mark))
        check("count", "\(a.count)", "\(b.count)")
        for (index, (x, y)) in zip(a, b).enumerated() {
            found += differences(x.key, y.key, at: "\(path)/key\(index)")
            found += differences(x.value, y.value, at: "\(path)/\(x.key.string ?? "?")")
        }
    case let (.sequence(a), .sequence(b)):
        check("style", "\(a.style)", "\(b.style)")
        check("tag", a.tag.description, b.tag.description)
        check("mark", mark(a.mark), mark(b.mark))
        check("count", "\(a.count)", "\(b.count)")
        for (index, (x, y)) in zip(a, b).enumerated() {
            found += differences(x, y, at: "\(path)[\(index)]")
        }
    default:
        found.append("\(path): fast \(fast), Yams \(yams)")
    }
    return found
}
