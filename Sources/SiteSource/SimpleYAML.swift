/// Builds the node tree Yams would (as `YAMLNode`s) for the plain YAML nearly every front
/// matter is written in, without libyaml: block mappings by indentation, `key: value` with
/// plain or single-line quoted scalars, block sequences of scalars or mappings, one-line flow
/// sequences of scalars, comments and blank lines. Scalars carry the same string, style and mark as Yams gives them.
///
/// Anything else (anchors, tags, block scalars, flow mappings, multi-line scalars, escapes, tabs,
/// duplicate keys, merge keys, odd indentation, collections nested more than `maxDepth` deep,
/// ...) makes `compose` return nil, and the caller asks Yams: errors and unusual YAML behave
/// exactly as before, libyaml's nesting limit included. `SimpleYAMLTests` checks the trees
/// against Yams (`differences`).
///
/// Work is linear in the document: every line is read a bounded number of times, and marks on
/// one line are counted on from the previous mark (a flow list of 50,000 items on one line).
struct SimpleYAML {
    /// A line with something other than spaces and a comment on it.
    private struct Line {
        /// Line number in the document, from 1, as in Yams' marks.
        var number: Int
        var start: Int
        var end: Int
        /// Leading spaces.
        var indent: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var lines: [Line] = []
    private var current = 0
    /// Collections open around the one being read: the recursion is never deeper than this.
    private var depth = 0
    /// The last mark made: the next one on the same line counts columns from there.
    private var lastMark = (lineStart: -1, index: 0, column: 0)

    /// Deeper documents are left to Yams, whose libyaml refuses more than 1,000 levels with
    /// its own error; real front matter nests two or three.
    static let maxDepth = 64

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The document's root mapping, or nil when the text is not in the simple subset (or empty).
    static func compose(_ text: String) -> YAMLNode? {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes -> YAMLNode? in
            var parser = SimpleYAML(bytes: bytes)
            guard parser.splitLines(), let first = parser.lines.first, first.indent == 0 else { return nil }
            guard let root = parser.mapping(indent: 0, firstKey: first.start), parser.current == parser.lines.count else { return nil }
            return root
        } ?? nil
    }

    // MARK: Lines

    /// Collects the lines with content; false on any byte outside the subset (tabs, carriage
    /// returns, control characters, Unicode line breaks, byte order marks) or a document marker.
    private mutating func splitLines() -> Bool {
        var start = 0, number = 1
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") {
                if !Self.allowed(bytes, at: end) { return false }
                end += 1
            }
            var content = start
            while content < end, bytes[content] == UInt8(ascii: " ") { content += 1 }
            if content < end && bytes[content] != UInt8(ascii: "#") {
                if content == start && end - start >= 3 && (bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: "."))
                    && bytes[start + 1] == bytes[start] && bytes[start + 2] == bytes[start] {
                    return false // `---` or `...` would start or end a document.
                }
                lines.append(Line(number: number, start: content, end: end, indent: content - start))
            }
            start = end + 1
            number += 1
        }
        return true
    }

    /// Bytes libyaml reads like any other printable character.
    private static func allowed(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let byte = bytes[index]
        if byte < 0x80 { return byte >= 0x20 && byte != 0x7F }
        func next(_ offset: Int) -> UInt8 { index + offset < bytes.count ? bytes[index + offset] : 0 }
        switch byte {
        case 0xC2: return next(1) >= 0xA0 // U+0080...U+009F: C1 controls and NEL
        case 0xE2: return !(next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9)) // line and paragraph separators
        case 0xEF: return !(next(1) == 0xBB && next(2) == 0xBF) && !(next(1) == 0xBF && next(2) >= 0xBE) // BOM, U+FFFE/F
        default: return true
        }
    }

    // MARK: Block collections

    /// A block mapping whose keys sit at `indent`; its first key starts at byte `firstKey` of the
    /// current line (after `- ` for a mapping in a list).
    private mutating func mapping(indent: Int, firstKey: Int) -> YAMLNode? {
        guard depth < Self.maxDepth else { return nil }
        depth += 1
        defer { depth -= 1 }
        let mark = self.mark(lines[current], firstKey)
        var pairs: [YAMLNode.Mapping.Element] = []
        var seen = Set<String>()
        var keyStart = firstKey
        while true {
            let line = lines[current]
            guard let (key, colon) = plainKey(line, from: keyStart), seen.insert(key.string).inserted else { return nil }
            guard let value = mappingValue(line, indent: indent, afterColon: colon) else { return nil }
            pairs.append((.scalar(key), value))
            guard current < lines.count else { break }
            let next = lines[current]
            if next.indent < indent { break }
            guard next.indent == indent else { return nil }
            keyStart = next.start
        }
        return .mapping(YAMLNode.Mapping(pairs, mark))
    }

    /// The value after a key's colon, leaving `current` at the line after it.
    private mutating func mappingValue(_ line: Line, indent: Int, afterColon colon: Int) -> YAMLNode? {
        let start = skipSpaces(colon + 1, line)
        if start < line.end && bytes[start] != UInt8(ascii: "#") {
            let value: YAMLNode?
            if bytes[start] == UInt8(ascii: "[") {
                value = flowSequence(line, from: start)
            } else {
                value = scalar(line, from: start)
            }
            current += 1
            return value
        }
        // Nothing on the key's line: a nested block, or an empty value.
        current += 1
        if current < lines.count {
            let next = lines[current]
            if next.indent > indent {
                return isEntry(next) ? sequence(indent: next.indent, indentless: false) : mapping(indent: next.indent, firstKey: next.start)
            }
            if next.indent == indent && isEntry(next) {
                return sequence(indent: indent, indentless: true)
            }
        }
        // libyaml marks an empty value just after the colon.
        return .scalar(YAMLNode.Scalar("", .plain, mark(line, colon + 1)))
    }

    /// A block sequence whose `-` sit at `indent`. An indentless one (`key:` then `- a` at the
    /// key's own indentation) ends at the next key; any other must end with less indentation.
    private mutating func sequence(indent: Int, indentless: Bool) -> YAMLNode? {
        guard depth < Self.maxDepth else { return nil }
        depth += 1
        defer { depth -= 1 }
        let mark = self.mark(lines[current], lines[current].start)
        var items: [YAMLNode] = []
        while current < lines.count, lines[current].indent == indent {
            let line = lines[current]
            guard isEntry(line) else {
                if indentless { break }
                return nil
            }
            let start = skipSpaces(line.start + 1, line)
            // Empty entries, nested lists and comments right after `-` are left to Yams.
            guard start > line.start + 1, start < line.end, bytes[start] != UInt8(ascii: "#"), !isEntry(at: start, line) else { return nil }
            if plainKey(line, from: start) != nil {
                guard let item = mapping(indent: start - (line.start - line.indent), firstKey: start) else { return nil }
                items.append(item)
            } else {
                guard let item = scalar(line, from: start) else { return nil }
                items.append(item)
                current += 1
            }
        }
        if current < lines.count, lines[current].indent > indent { return nil }
        return .sequence(YAMLNode.Sequence(items, mark))
    }

    private func isEntry(_ line: Line) -> Bool { isEntry(at: line.start, line) }

    /// `-` followed by a space or the end of the line.
    private func isEntry(at index: Int, _ line: Line) -> Bool {
        bytes[index] == UInt8(ascii: "-") && (index + 1 == line.end || bytes[index + 1] == UInt8(ascii: " "))
    }

    // MARK: Scalars

    /// A plain key ending in `: ` or `:` at the end of the line, and the colon's offset; nil when
    /// the line holds no such key, or the key is not a plain scalar the subset knows.
    private mutating func plainKey(_ line: Line, from start: Int) -> (YAMLNode.Scalar, Int)? {
        guard start < line.end, !Self.isIndicator(bytes[start]) else { return nil }
        var index = start
        while index < line.end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") && (index + 1 == line.end || bytes[index + 1] == UInt8(ascii: " ")) { break }
            if byte == UInt8(ascii: " ") && index + 1 < line.end && bytes[index + 1] == UInt8(ascii: "#") { return nil }
            index += 1
        }
        // libyaml allows simple keys up to 1024 characters.
        guard index < line.end, index - start <= 1000 else { return nil }
        var end = index
        while bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        let key = string(start, end)
        guard key != "<<" else { return nil } // a merge key
        return (YAMLNode.Scalar(key, .plain, mark(line, start)), index)
    }

    /// A plain or quoted scalar that fills the rest of the line, up to an optional comment.
    private mutating func scalar(_ line: Line, from start: Int) -> YAMLNode? {
        let byte = bytes[start]
        if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
            guard let (scalar, end) = quoted(line, from: start), restIsComment(line, from: end) else { return nil }
            return .scalar(scalar)
        }
        guard !Self.isIndicator(byte) || (byte == UInt8(ascii: "-") && !isEntry(at: start, line)) else { return nil }
        var index = start, end = start
        while index < line.end {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") {
                if index + 1 < line.end && bytes[index + 1] == UInt8(ascii: "#") { break }
            } else if byte == UInt8(ascii: ":") && (index + 1 == line.end || bytes[index + 1] == UInt8(ascii: " ")) {
                return nil // a second `key:` on the line, which libyaml refuses
            } else {
                end = index + 1
            }
            index += 1
        }
        return .scalar(YAMLNode.Scalar(string(start, end), .plain, mark(line, start)))
    }

    /// A quoted scalar closed on its own line, without escapes other than `''` in single quotes;
    /// returns the offset after the closing quote.
    private mutating func quoted(_ line: Line, from start: Int) -> (YAMLNode.Scalar, Int)? {
        let quote = bytes[start]
        var index = start + 1
        var text: [UInt8] = []
        while index < line.end {
            let byte = bytes[index]
            if byte == quote {
                guard quote == UInt8(ascii: "'"), index + 1 < line.end, bytes[index + 1] == quote else {
                    let style: YAMLNode.Scalar.Style = quote == UInt8(ascii: "'") ? .singleQuoted : .doubleQuoted
                    return (YAMLNode.Scalar(String(decoding: text, as: UTF8.self), style, mark(line, start)), index + 1)
                }
                index += 1 // `''` stands for one quote
            } else if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                return nil
            }
            text.append(byte)
            index += 1
        }
        return nil
    }

    /// `[a, b, "c"]` on one line, up to an optional comment.
    private mutating func flowSequence(_ line: Line, from start: Int) -> YAMLNode? {
        var items: [YAMLNode] = []
        var index = skipSpaces(start + 1, line)
        if index < line.end && bytes[index] == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                guard index < line.end else { return nil }
                let byte = bytes[index]
                if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                    guard let (scalar, end) = quoted(line, from: index) else { return nil }
                    items.append(.scalar(scalar))
                    index = skipSpaces(end, line)
                } else {
                    // Plain items: none of the characters that open or close something in a flow.
                    guard !Self.isIndicator(byte) else { return nil }
                    var end = index + 1, scan = index + 1
                    while scan < line.end {
                        let byte = bytes[scan]
                        if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") { break }
                        if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "[")
                            || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") { return nil }
                        if byte != UInt8(ascii: " ") { end = scan + 1 }
                        scan += 1
                    }
                    items.append(.scalar(YAMLNode.Scalar(string(index, end), .plain, mark(line, index))))
                    index = scan
                }
                guard index < line.end else { return nil }
                if bytes[index] == UInt8(ascii: "]") { index += 1; break }
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index = skipSpaces(index + 1, line)
                // A trailing comma is left to Yams.
                if index < line.end && bytes[index] == UInt8(ascii: "]") { return nil }
            }
        }
        guard restIsComment(line, from: index) else { return nil }
        return .sequence(YAMLNode.Sequence(items, mark(line, start)))
    }

    /// Nothing but spaces, and then perhaps a comment after at least one space.
    private func restIsComment(_ line: Line, from start: Int) -> Bool {
        let index = skipSpaces(start, line)
        return index == line.end || (index > start && bytes[index] == UInt8(ascii: "#"))
    }

    // MARK: Helpers

    /// Characters that cannot start a plain scalar here (or that the subset leaves to Yams).
    private static func isIndicator(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"),
             UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
             UInt8(ascii: "`"), UInt8(ascii: " "):
            return true
        default:
            return false
        }
    }

    private func skipSpaces(_ start: Int, _ line: Line) -> Int {
        var index = start
        while index < line.end, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }

    private func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Yams' mark of a byte: its line, and its column counted in Unicode scalars from 1. Marks
    /// on a line come left to right, so each counts on from the one before.
    private mutating func mark(_ line: Line, _ index: Int) -> YAMLNode.Mark {
        var from = line.start, column = line.indent + 1
        if lastMark.lineStart == line.start && lastMark.index <= index {
            from = lastMark.index
            column = lastMark.column
        }
        for byte in bytes[from..<index] where byte & 0xC0 != 0x80 { column += 1 }
        lastMark = (line.start, index, column)
        return YAMLNode.Mark(line: line.number, column: column)
    }
}
