/// How deep a YAML document nests, measured from its text before Yams composes it. Yams builds
/// (and later frees) its node tree recursively, about a kilobyte of stack per level in a debug
/// build: the 1,000 levels libyaml accepts overflow the 512 KB stack of a secondary thread on
/// macOS, where loading runs. So documents deeper than `limit` are refused before Yams reads them.
///
/// The count errs high, never low: block levels by indentation, one more per `- ` or `? ` that
/// opens a line (`- - x` nests twice), and every `[` or `{` outside quotes and comments. Block
/// scalars (`|`, `>`) are text and are skipped. Real front matter nests two or three levels.
public enum YAMLDepth {
    /// Lists and mappings nested deeper than this are an error: well inside what a thread's
    /// stack holds while Yams composes the tree, and far inside libyaml's own limit of about
    /// 1,000 levels.
    public static let limit = 200

    /// Line and column (both from 1, columns in bytes) where the nesting first passes `limit`.
    public static func firstPastLimit(_ text: String, limit: Int = YAMLDepth.limit) -> (line: Int, column: Int)? {
        var text = text
        return text.withUTF8 { bytes -> (line: Int, column: Int)? in
            var indents: [Int] = []
            var flow = 0
            var block = 0  // levels of the last line outside any flow
            var blockScalarIndent: Int?  // lines indented more than this belong to a block scalar
            var line = 1, start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                defer { start = end + 1; line += 1 }
                var index = start
                while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 }
                let indent = index - start
                if index == end || bytes[index] == UInt8(ascii: "#") { continue }
                if let scalarIndent = blockScalarIndent {
                    if indent > scalarIndent { continue }
                    blockScalarIndent = nil
                }
                if flow == 0 {
                    while let last = indents.last, last > indent { indents.removeLast() }
                    if indents.last != indent { indents.append(indent) }
                    block = indents.count
                    // `- - x`, `- key: v`, `? key`: each indicator opens one more level.
                    while index + 1 < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "?"),
                          bytes[index + 1] == UInt8(ascii: " ") {
                        block += 1
                        index += 2
                        while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 }
                    }
                    if block > limit { return (line, index - start + 1) }
                }
                var quote: UInt8 = 0
                var last: UInt8 = UInt8(ascii: " ")
                while index < end {
                    let byte = bytes[index]
                    if quote != 0 {
                        if byte == quote { quote = 0 } else if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") { index += 1 }
                    } else {
                        switch byte {
                        case UInt8(ascii: "\""), UInt8(ascii: "'"):
                            if last == UInt8(ascii: " ") || last == UInt8(ascii: "[") || last == UInt8(ascii: "{") || last == UInt8(ascii: ",")
                                || last == UInt8(ascii: ":") { quote = byte }
                        case UInt8(ascii: "#") where last == UInt8(ascii: " "):
                            index = end
                            continue
                        case UInt8(ascii: "["), UInt8(ascii: "{"):
                            flow += 1
                            if block + flow > limit { return (line, index - start + 1) }
                        case UInt8(ascii: "]"), UInt8(ascii: "}"):
                            flow = max(0, flow - 1)
                        case UInt8(ascii: "|"), UInt8(ascii: ">") where flow == 0 && last == UInt8(ascii: " "):
                            blockScalarIndent = indent
                        default:
                            break
                        }
                    }
                    last = byte
                    index += 1
                }
            }
            return nil
        }
    }
}
