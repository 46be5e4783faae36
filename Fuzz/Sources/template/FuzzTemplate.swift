// The template parser and renderer: the input is up to four templates separated by NUL bytes,
// named a, b, c and d (so `{{> b}}` and `{{< c}}…{{/c}}` reach each other). They are parsed
// as a library, as `templates/*.mustache` are, and each one is rendered against a fixed value.
// Lists have at most one item: nested sections over longer lists grow the output exponentially,
// which is Mustache, not a bug.
import Foundation
import TemplateKit

let names = ["a", "b", "c", "d"]

let value: TemplateValue = [
    "title": "Speckled <mugs> & \"cups\"", "empty": "", "zero": 0, "price": 24, "yes": true, "no": false,
    "none": [], "one": [["name": "mara", "n": 1, "tags": ["x"]]],
    "drop": ["title": "Mugs", "creator": ["name": "Mara", "url": "/creators/mara/"], "state": "open", "images": [["src": "a.jpg"]]],
    "html": "<b>'bold'</b>\u{301}", "unicode": "ünï 日本 😀\r\n",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = UnsafeBufferPointer(start: data, count: size).split(separator: 0, maxSplits: names.count - 1, omittingEmptySubsequences: false)
    var sources: [String: String] = [:]
    for (name, part) in zip(names, parts) { sources[name] = String(decoding: part, as: UTF8.self) }
    let library: TemplateLibrary
    do {
        library = try TemplateLibrary(sources)
    } catch {
        // Positions are counted from 1.
        for mistake in error.errors where (mistake.line ?? 1) < 1 || (mistake.column ?? 1) < 1 {
            FileHandle.standardError.write(Data("template error at no position: \(mistake)\n".utf8))
            fatalError("template error at no position")
        }
        return 0
    }
    for name in sources.keys.sorted() {
        guard library.renderBytes(name, value) != nil else { fatalError("a parsed template \(name) does not render") }
    }
    return 0
}
