import Yams

extension SimpleYAML {
    /// How the fast path's tree differs from Yams' for one document, node by node (kind, value,
    /// bytes, style, mark, count): empty when they agree. The fast path's contract, checked by
    /// the tests on generated documents and by the YAML fuzz target on every input it accepts.
    static func differences(_ fast: YAMLNode, _ yams: Yams.Node, at path: String = "") -> [String] {
        func mark(_ mark: YAMLNode.Mark?) -> String { mark.map(\.description) ?? "none" }
        func mark(_ mark: Yams.Mark?) -> String { mark.map(\.description) ?? "none" }
        var found: [String] = []
        func check(_ what: String, _ a: String, _ b: String) {
            if a != b { found.append("\(path) \(what): fast \(a.debugDescription), Yams \(b.debugDescription)") }
        }
        switch (fast, yams) {
        case let (.scalar(a), .scalar(b)):
            check("string", a.string, b.string)
            check("bytes", Array(a.string.utf8).description, Array(b.string.utf8).description)
            check("style", "\(a.style)", "\(b.style)")
            check("mark", mark(a.mark), mark(b.mark))
        case let (.mapping(a), .mapping(b)):
            check("mark", mark(a.mark), mark(b.mark))
            check("count", "\(a.count)", "\(b.count)")
            for (index, (x, y)) in zip(a, b).enumerated() {
                found += differences(x.key, y.key, at: "\(path)/key\(index)")
                found += differences(x.value, y.value, at: "\(path)/\(x.key.string ?? "?")")
            }
        case let (.sequence(a), .sequence(b)):
            check("mark", mark(a.mark), mark(b.mark))
            check("count", "\(a.count)", "\(b.count)")
            for (index, (x, y)) in zip(a, b).enumerated() {
                found += differences(x, y, at: "\(path)[\(index)]")
            }
        default:
            found.append("\(path): fast \(fast.described), Yams \(yams)")
        }
        return found
    }
}
