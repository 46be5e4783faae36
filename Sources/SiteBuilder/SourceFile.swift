import Foundation
import Yams

/// A content file split into its YAML front matter and Markdown body.
struct SourceFile {
    var path: String
    var frontMatter: YAMLFields
    var body: String

    /// Reads `---` front matter then Markdown. Invalid UTF-8, an unclosed block and YAML errors
    /// become diagnostics with the file's own line numbers.
    static func parse(_ data: Data, path: String, log: inout DiagnosticLog) -> SourceFile? {
        guard let text = decodeUTF8(data, path: path, log: &log) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first.map({ $0.trimmingCharacters(in: .whitespaces) }) != "---" {
            log.add(Diagnostic(file: path, line: 1, message: "missing front matter: the file must start with a line `---`"))
            return nil
        }
        lines.removeFirst()
        guard let end = lines.firstIndex(where: { let t = $0.trimmingCharacters(in: .whitespaces); return t == "---" || t == "..." }) else {
            log.add(Diagnostic(file: path, line: 1, message: "front matter is not closed: add a line `---` after the last key"))
            return nil
        }
        let yaml = lines[..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        let source = YAMLSource(file: path, lineOffset: 1)
        let root: Node?
        do {
            root = try composeYAML(yaml, source: source)
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

/// UTF-8 text, or a diagnostic pointing at the line of the first invalid byte.
func decodeUTF8(_ data: Data, path: String, log: inout DiagnosticLog) -> String? {
    if let text = String(validating: data, as: UTF8.self) {
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
