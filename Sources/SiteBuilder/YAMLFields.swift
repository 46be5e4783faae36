import Foundation
import Publisher
import Yams

/// Where a YAML document sits in its file, so marks can be reported as file lines.
struct YAMLSource: Sendable {
    var file: String
    /// Line of the file just before the YAML's first line (1 for front matter after `---`).
    var lineOffset: Int
}

/// Only merge keys (`<<`) are resolved: fields read scalars as text and convert them themselves,
/// and resolving every scalar against Yams' regular expressions dominated loading.
let mergeOnly = Resolver.basic.appending(.merge)

/// Yams builds a new `Constructor.default` (tables of every tag's conversion) on each access,
/// and every node's tag holds one: made once here, and only ever read.
nonisolated(unsafe) let sharedConstructor = Constructor.default

/// Lists and mappings nested deeper than this are an error (`YAMLDepth`).
let yamlMaxDepth = YAMLDepth.limit

/// The error for a document nested past `yamlMaxDepth` (or past libyaml's limit).
let yamlTooDeep = "invalid YAML: lists and mappings nested too deep (the limit is \(yamlMaxDepth) levels)"

/// Parses a YAML document into a node tree that keeps line and column marks.
func composeYAML(_ text: String, source: YAMLSource) throws(Diagnostic) -> Node? {
    // Plain front matter is read without libyaml; anything else, errors included, goes to Yams.
    if let node = SimpleYAML.compose(text, resolver: mergeOnly) { return node }
    if let (line, column) = YAMLDepth.firstPastLimit(text, limit: yamlMaxDepth) {
        throw Diagnostic(file: source.file, line: line + source.lineOffset, column: column, message: yamlTooDeep)
    }
    do {
        return try Yams.compose(yaml: text, mergeOnly, sharedConstructor, .utf8)
    } catch let error as YamlError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = [context.map { "\($0.text)" }, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            // libyaml's own words name its C function; the limit is what a creator can act on.
            if problem.hasPrefix("Maximum nesting level reached") {
                throw Diagnostic(file: source.file, line: mark.line + source.lineOffset, column: mark.column, message: yamlTooDeep)
            }
            throw Diagnostic(file: source.file, line: mark.line + source.lineOffset, column: mark.column,
                             message: "invalid YAML: \(detail)")
        default:
            throw Diagnostic(file: source.file, line: source.lineOffset + 1, message: "invalid YAML: \(error)")
        }
    } catch {
        throw Diagnostic(file: source.file, line: source.lineOffset + 1, message: "invalid YAML: \(error)")
    }
}

/// Typed, located access to one YAML mapping. Every failed read appends a diagnostic naming the
/// file, line, column and dotted key, and returns nil so loading can go on and report more.
struct YAMLFields {
    let source: YAMLSource
    let mapping: Node.Mapping
    /// Key path of this mapping, e.g. `hero` or `pickup[1]`; empty at the top level.
    let path: String
    private let entries: [String: (key: Node, value: Node)]
    /// The keys in the file's order.
    let keys: [String]

    init(_ mapping: Node.Mapping, source: YAMLSource, path: String = "") {
        self.source = source
        self.mapping = mapping
        self.path = path
        var entries: [String: (key: Node, value: Node)] = [:], keys: [String] = []
        entries.reserveCapacity(mapping.count)
        keys.reserveCapacity(mapping.count)
        // By index: Yams' iterator copies every pair into a new array first.
        for index in mapping.indices {
            let (key, value) = mapping[index]
            let name = key.string ?? ""
            entries[name] = (key, value)
            keys.append(name)
        }
        self.entries = entries
        self.keys = keys
    }

    /// A mapping node or a diagnostic saying what was found instead.
    static func mapping(_ node: Node, source: YAMLSource, path: String, log: inout DiagnosticLog) -> YAMLFields? {
        guard let map = node.mapping else {
            log.add(Diagnostic(file: source.file, line: node.mark.map { $0.line + source.lineOffset }, column: node.mark?.column,
                               key: path.isEmpty ? nil : path, message: "expected a mapping of keys, got \(describe(node))"))
            return nil
        }
        return YAMLFields(map, source: source, path: path)
    }


    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool {
        guard let value = entries[key]?.value else { return false }
        return !isNull(value)
    }

    /// Line of the key itself, for errors about the whole entry.
    func line(of key: String) -> Int? {
        entries[key]?.key.mark.map { $0.line + source.lineOffset }
    }

    var line: Int? { mapping.mark.map { $0.line + source.lineOffset } }

    func diagnostic(_ key: String, _ message: String, at node: Node? = nil) -> Diagnostic {
        let mark = (node ?? entries[key]?.value ?? entries[key]?.key)?.mark ?? mapping.mark
        return Diagnostic(file: source.file, line: mark.map { $0.line + source.lineOffset }, column: mark?.column,
                          key: keyPath(key), message: message)
    }

    /// Unknown keys (with a "did you mean" hint) and missing required keys.
    func checkKeys(known: [String], required: [String] = [], log: inout DiagnosticLog) {
        for (index, name) in zip(mapping.indices, keys) where !known.contains(name) {
            let key = mapping[index].key
            var message = "unknown key"
            if let hint = suggestion(for: name, among: known) { message += "; did you mean `\(hint)`?" }
            log.add(Diagnostic(file: source.file, line: key.mark.map { $0.line + source.lineOffset }, column: key.mark?.column,
                               key: keyPath(name), message: message))
        }
        for key in required where !has(key) {
            log.add(Diagnostic(file: source.file, line: line, column: nil, key: keyPath(key), message: "required key is missing"))
        }
    }

    func node(_ key: String) -> Node? {
        guard let value = entries[key]?.value, !isNull(value) else { return nil }
        return value
    }

    func string(_ key: String, log: inout DiagnosticLog) -> String? {
        guard let node = node(key) else { return nil }
        guard let scalar = node.scalar else {
            log.add(diagnostic(key, "expected text, got \(describe(node))"))
            return nil
        }
        if let control = firstControl(in: scalar.string) {
            log.add(diagnostic(key, controlMessage(control)))
            return nil
        }
        return scalar.string
    }

    func nonEmptyString(_ key: String, log: inout DiagnosticLog) -> String? {
        guard let value = string(key, log: &log) else { return nil }
        if isBlank(value) {
            log.add(diagnostic(key, "must not be empty"))
            return nil
        }
        return value
    }

    func bool(_ key: String, log: inout DiagnosticLog) -> Bool? {
        guard let node = node(key) else { return nil }
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            log.add(diagnostic(key, "expected true or false, got \(describe(node))"))
            return nil
        }
    }

    func int(_ key: String, min minimum: Int? = nil, log: inout DiagnosticLog) -> Int? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Int(text) else {
            log.add(diagnostic(key, "expected a whole number, got \(describe(node))"))
            return nil
        }
        if let minimum, value < minimum {
            log.add(diagnostic(key, minimum == 0 ? "must not be negative, got \(value)" : "must be at least \(minimum), got \(value)"))
            return nil
        }
        return value
    }

    func double(_ key: String, log: inout DiagnosticLog) -> Double? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
            log.add(diagnostic(key, "expected a number of seconds, got \(describe(node))"))
            return nil
        }
        if value < 0 {
            log.add(diagnostic(key, "must not be negative, got \(text)"))
            return nil
        }
        return value
    }

    func money(_ key: String, log: inout DiagnosticLog) -> Money? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string else {
            log.add(diagnostic(key, "expected an amount such as 24 or \"24.50\", got \(describe(node))"))
            return nil
        }
        switch Money.parse(text) {
        case .success(let money): return money
        case .failure(let problem):
            log.add(diagnostic(key, problem.message))
            return nil
        }
    }

    func timestamp(_ key: String, log: inout DiagnosticLog) -> Date? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let date = RFC3339.parse(text) else {
            log.add(diagnostic(key, "expected an RFC 3339 time with an offset such as 2026-12-04T18:00:00+01:00, got \(describe(node))"))
            return nil
        }
        return date
    }

    func stringList(_ key: String, log: inout DiagnosticLog) -> [String] {
        guard let node = node(key) else { return [] }
        if let scalar = node.scalar { return [scalar.string] }
        guard let sequence = node.sequence else {
            log.add(diagnostic(key, "expected a list, got \(describe(node))"))
            return []
        }
        var values: [String] = []
        for (index, item) in sequence.enumerated() {
            guard let scalar = item.scalar else {
                log.add(diagnostic("\(key)[\(index)]", "expected text, got \(describe(item))", at: item))
                continue
            }
            if let control = firstControl(in: scalar.string) {
                log.add(diagnostic("\(key)[\(index)]", controlMessage(control), at: item))
                continue
            }
            values.append(scalar.string)
        }
        return values
    }

    func fields(_ key: String, log: inout DiagnosticLog) -> YAMLFields? {
        guard let node = node(key) else { return nil }
        return YAMLFields.mapping(node, source: source, path: keyPath(key), log: &log)
    }

    /// A list of mappings, e.g. `pickup:` or `images:`. Each item's fields are made as the list
    /// is walked, and dropped after: YAML aliases can repeat one large mapping a thousand times.
    func fieldsList(_ key: String, log: inout DiagnosticLog) -> LazyMapSequence<[(index: Int, mapping: Node.Mapping)], YAMLFields> {
        var mappings: [(index: Int, mapping: Node.Mapping)] = []
        if let node = node(key) {
            if let sequence = node.sequence {
                for (index, item) in sequence.enumerated() {
                    if let mapping = item.mapping {
                        mappings.append((index, mapping))
                    } else {
                        _ = YAMLFields.mapping(item, source: source, path: keyPath("\(key)[\(index)]"), log: &log)
                    }
                }
            } else {
                log.add(diagnostic(key, "expected a list, got \(describe(node))"))
            }
        }
        let source = source, path = keyPath(key)
        return mappings.lazy.map { YAMLFields($0.mapping, source: source, path: "\(path)[\($0.index)]") }
    }
}

/// The first control character (C0 but tab and line breaks, DEL, C1) of a value: YAML's
/// escapes (`"\e"`, `"\x9B"`) write them into text that the file itself holds as plain
/// characters. On bytes: every text value of every drop passes here.
func firstControl(in text: String) -> Unicode.Scalar? {
    let bytes = text.utf8
    guard bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return nil }
    return text.unicodeScalars.first(where: LineSafe.isControl)
}

func controlMessage(_ scalar: Unicode.Scalar) -> String {
    "holds the control character \(LineSafe.describe(scalar)); only tabs and line breaks may appear in text"
}

func isNull(_ node: Node) -> Bool {
    if case .scalar(let scalar) = node, scalar.style == .plain {
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
    return false
}

func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar): return "\"\(scalar.string)\""
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
}

/// Whether the text is empty or all white space and newlines. Asked of every required text of
/// every drop: text that starts with a visible ASCII character is answered without Foundation.
func isBlank(_ text: String) -> Bool {
    if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
    return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
}

extension String {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when neither end can be white
    /// space (an ASCII byte other than space and tab): prices are parsed by the ten thousand.
    var trimmingWhitespace: String {
        func plain(_ byte: UInt8?) -> Bool { byte.map { $0 < 0x80 && $0 != 0x20 && $0 != 0x09 } ?? false }
        return plain(utf8.first) && plain(utf8.last) ? self : trimmingCharacters(in: .whitespaces)
    }
}
