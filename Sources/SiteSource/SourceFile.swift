import Foundation

/// A content file split into its YAML front matter and Markdown body.
public struct SourceFile {
    public var path: String
    public var frontMatter: YAMLFields
    public var body: String

    /// Reads `---` front matter then Markdown. Invalid UTF-8, an unclosed block and YAML errors
    /// become diagnostics with the file's own line numbers.
    public static func parse(_ data: Data, path: String, log: inout DiagnosticLog) -> SourceFile? {
        guard let text = decodeUTF8(data, path: path, log: &log) else { return nil }
        guard let split = FrontMatterSplit(text) else {
            log.add(Diagnostic(file: path, line: 1, message: "missing front matter: the file must start with a line `---`"))
            return nil
        }
        guard let (yaml, body) = split.parts else {
            log.add(Diagnostic(file: path, line: 1, message: "front matter is not closed: add a line `---` after the last key"))
            return nil
        }
        let source = YAMLSource(file: path, lineOffset: 1)
        let root: YAMLNode?
        do {
            root = try source.compose(yaml)
        } catch {
            log.add(error)
            return nil
        }
        guard let root else {
            log.add(Diagnostic(file: path, line: 2, message: "front matter is empty"))
            return nil
        }
        guard let fields = YAMLFields.mapping(root, source: source, path: "", log: &log) else { return nil }
        return SourceFile(path: path, frontMatter: fields, body: body)
    }
}

/// Finds the `---` lines of a content file in its UTF-8 bytes, without splitting it into lines.
///
/// Lines are what `String.split(separator: "\n")` gives: a `\n` right after `\r` is part of the
/// character `\r\n`, not a line break. A marker line is `---` (or `...` to close) once spaces and
/// tabs are trimmed; a line with other bytes than ASCII is checked with Foundation's
/// `.whitespaces`, which also trims Unicode spaces.
struct FrontMatterSplit {
    private let text: String
    /// Byte offset just after the opening line's break, or the end of the text.
    private let yamlStart: Int
    /// The YAML's end and the body's start, when a closing line was found.
    private let closing: (yamlEnd: Int, bodyStart: Int)?

    /// Nil when the first line is not `---`.
    init?(_ text: String) {
        var text = text
        text.makeContiguousUTF8()
        self.text = text
        let found = text.utf8.withContiguousStorageIfAvailable { bytes -> (Int, (Int, Int)?)? in
            var start = 0
            var end = Self.lineEnd(bytes, from: start)
            guard Self.isMarker(bytes, start..<end, allowingDots: false) else { return nil }
            let yamlStart = min(end + 1, bytes.count)
            start = yamlStart
            while start < bytes.count || (start == bytes.count && end < bytes.count) {
                end = Self.lineEnd(bytes, from: start)
                if Self.isMarker(bytes, start..<end, allowingDots: true) {
                    // A closing line right after the opening one leaves empty YAML, as joining no lines does.
                    return (yamlStart, (max(yamlStart, start - 1), min(end + 1, bytes.count)))
                }
                if end == bytes.count { break }
                start = end + 1
            }
            return (yamlStart, nil)
        }
        guard let found, let (yamlStart, closing) = found else { return nil }
        self.yamlStart = yamlStart
        self.closing = closing.map { (yamlEnd: $0.0, bodyStart: $0.1) }
    }

    /// The YAML between the marker lines and the body after the closing one; nil when unclosed.
    var parts: (yaml: String, body: String)? {
        guard let closing else { return nil }
        let utf8 = text.utf8
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        return (String(text[index(yamlStart)..<index(closing.yamlEnd)]), String(text[index(closing.bodyStart)...]))
    }

    /// Offset of the `\n` ending the line that starts at `start`, or the end of the text.
    private static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") && (index == 0 || bytes[index - 1] != UInt8(ascii: "\r")) { return index }
            index += 1
        }
        return index
    }

    private static func isMarker(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, allowingDots: Bool) -> Bool {
        var lower = line.lowerBound, upper = line.upperBound
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        if upper - lower == 3 {
            let first = bytes[lower]
            if (first == UInt8(ascii: "-") || (allowingDots && first == UInt8(ascii: "."))) && bytes[lower + 1] == first && bytes[lower + 2] == first {
                return true
            }
        }
        guard bytes[line].contains(where: { $0 >= 0x80 }) else { return false }
        let trimmed = String(decoding: UnsafeBufferPointer(rebasing: bytes[line]), as: UTF8.self).trimmingCharacters(in: .whitespaces)
        return trimmed == "---" || (allowingDots && trimmed == "...")
    }
}

/// UTF-8 text, or a diagnostic pointing at the line of the first invalid byte.
/// Control characters (C0 but tab and line breaks, DEL, C1) are refused as well, at their line
/// and column: ESC, BEL or NUL in a title would otherwise reach pages, feeds and terminals.
public func decodeUTF8(_ data: Data, path: String, log: inout DiagnosticLog) -> String? {
    if let text = String(validating: data, as: UTF8.self) {
        if let (line, column, scalar) = firstControl(in: data) {
            log.add(Diagnostic(file: path, line: line, column: column, message: controlMessage(scalar)))
            return nil
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }
    var line = 1, column = 1
    var iterator = data.makeIterator()
    var decoder = UTF8()
    var offset = 0
    decoding: while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            offset += UTF8.width(scalar)
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        case .emptyInput: break decoding
        case .error: break decoding
        }
    }
    log.add(Diagnostic(file: path, line: line, column: column, message: "invalid UTF-8 at byte \(offset); save the file as UTF-8"))
    return nil
}

/// Line, column and value of the first control character in valid UTF-8 `data`, if any. On
/// bytes: every content file passes here. C1 controls are `C2 80`…`C2 9F`.
private func firstControl(in data: Data) -> (line: Int, column: Int, scalar: Unicode.Scalar)? {
    let found = data.withUnsafeBytes { bytes -> Int? in
        // Sixteen bytes at a time first: a clean file (any but one with `C2`, the lead byte of
        // U+0080–U+00BF) is passed in a fraction of the time UTF-8 validation took.
        let space = SIMD16<UInt8>(repeating: 0x20), tab = SIMD16<UInt8>(repeating: 0x09), lineFeed = SIMD16<UInt8>(repeating: 0x0A)
        let carriageReturn = SIMD16<UInt8>(repeating: 0x0D), delete = SIMD16<UInt8>(repeating: 0x7F), c2 = SIMD16<UInt8>(repeating: 0xC2)
        var start = 0
        while start + 16 <= bytes.count {
            let v = bytes.loadUnaligned(fromByteOffset: start, as: SIMD16<UInt8>.self)
            let control = (v .< space) .& (v .!= tab) .& (v .!= lineFeed) .& (v .!= carriageReturn)
            if any(control .| (v .== delete) .| (v .== c2)) { break }
            start += 16
        }
        for index in start..<bytes.count {
            let byte = bytes[index]
            if byte < 0x20 ? (byte != 0x09 && byte != 0x0A && byte != 0x0D) : byte == 0x7F
                || (byte == 0xC2 && index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1])) {
                return index
            }
        }
        return nil
    }
    guard let found else { return nil }
    let before = String(decoding: data.prefix(found), as: UTF8.self)
    var line = 1, column = 1
    for scalar in before.unicodeScalars {
        if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
    }
    let scalar = String(decoding: data[data.index(data.startIndex, offsetBy: found)...].prefix(2), as: UTF8.self).unicodeScalars.first!
    return (line, column, scalar)
}
