import Foundation
import SiteManifest

/// Typed, located access to one YAML mapping. Every failed read appends a diagnostic naming the
/// file, line, column and dotted key, and returns nil so loading can go on and report more.
public struct YAMLFields {
    public let source: YAMLSource
    public let mapping: YAMLNode.Mapping
    /// Key path of this mapping, e.g. `hero` or `pickup[1]`; empty at the top level.
    public let path: String
    private let entries: [String: (key: YAMLNode, value: YAMLNode)]
    /// The keys in the file's order.
    public let keys: [String]

    public init(_ mapping: YAMLNode.Mapping, source: YAMLSource, path: String = "") {
        self.source = source
        self.mapping = mapping
        self.path = path
        var entries: [String: (key: YAMLNode, value: YAMLNode)] = [:], keys: [String] = []
        entries.reserveCapacity(mapping.count)
        keys.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            let name = key.string ?? ""
            entries[name] = (key, value)
            keys.append(name)
        }
        self.entries = entries
        self.keys = keys
    }

    /// A mapping node or a diagnostic saying what was found instead.
    public static func mapping(_ node: YAMLNode, source: YAMLSource, path: String, log: inout DiagnosticLog) -> YAMLFields? {
        guard let map = node.mapping else {
            log.add(Diagnostic(file: source.file, line: node.mark.map { $0.line + source.lineOffset }, column: node.mark?.column,
                               key: path.isEmpty ? nil : path, message: "expected a mapping of keys, got \(node.described)"))
            return nil
        }
        return YAMLFields(map, source: source, path: path)
    }

    public func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func has(_ key: String) -> Bool {
        guard let value = entries[key]?.value else { return false }
        return !value.isNull
    }

    /// Line of the key itself, for errors about the whole entry.
    public func line(of key: String) -> Int? {
        entries[key]?.key.mark.map { $0.line + source.lineOffset }
    }

    /// Column on the line `line(of:)` gives: of the value, as other errors about a value point
    /// at it, or of the key when the value starts on a later line.
    public func column(of key: String) -> Int? {
        guard let entry = entries[key], let keyMark = entry.key.mark else { return nil }
        if let valueMark = entry.value.mark, valueMark.line == keyMark.line { return valueMark.column }
        return keyMark.column
    }

    public var line: Int? { mapping.mark.map { $0.line + source.lineOffset } }

    public func diagnostic(_ key: String, _ message: String, at node: YAMLNode? = nil) -> Diagnostic {
        let mark = (node ?? entries[key]?.value ?? entries[key]?.key)?.mark ?? mapping.mark
        return Diagnostic(file: source.file, line: mark.map { $0.line + source.lineOffset }, column: mark?.column,
                          key: keyPath(key), message: message)
    }

    /// Unknown keys (with a "did you mean" hint) and missing required keys.
    public func checkKeys(known: [String], required: [String] = [], log: inout DiagnosticLog) {
        for (index, name) in zip(mapping.indices, keys) where !known.contains(name) {
            let key = mapping[index].key
            log.add(Diagnostic(file: source.file, line: key.mark.map { $0.line + source.lineOffset }, column: key.mark?.column,
                               key: keyPath(name), message: "unknown key" + Suggestion.didYouMean(name, among: known)))
        }
        for key in required where !has(key) {
            log.add(Diagnostic(file: source.file, line: line, column: nil, key: keyPath(key), message: "required key is missing"))
        }
    }

    public func node(_ key: String) -> YAMLNode? {
        guard let value = entries[key]?.value, !value.isNull else { return nil }
        return value
    }

    public func string(_ key: String, log: inout DiagnosticLog) -> String? {
        guard let node = node(key) else { return nil }
        guard let scalar = node.scalar else {
            log.add(diagnostic(key, "expected text, got \(node.described)"))
            return nil
        }
        if let control = firstControl(in: scalar.string) {
            log.add(diagnostic(key, controlMessage(control)))
            return nil
        }
        return scalar.string
    }

    public func nonEmptyString(_ key: String, log: inout DiagnosticLog) -> String? {
        guard let value = string(key, log: &log) else { return nil }
        if isBlank(value) {
            log.add(diagnostic(key, "must not be empty"))
            return nil
        }
        return value
    }

    public func bool(_ key: String, log: inout DiagnosticLog) -> Bool? {
        guard let node = node(key) else { return nil }
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            log.add(diagnostic(key, "expected true or false, got \(node.described)"))
            return nil
        }
    }

    public func int(_ key: String, min minimum: Int? = nil, max maximum: Int? = nil, log: inout DiagnosticLog) -> Int? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Int(text) else {
            log.add(diagnostic(key, "expected a whole number, got \(node.described)"))
            return nil
        }
        if let minimum, value < minimum {
            log.add(diagnostic(key, minimum == 0 ? "must not be negative, got \(value)" : "must be at least \(minimum), got \(value)"))
            return nil
        }
        if let maximum, value > maximum {
            log.add(diagnostic(key, "must be at most \(maximum), got \(value)"))
            return nil
        }
        return value
    }

    public func double(_ key: String, log: inout DiagnosticLog) -> Double? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
            log.add(diagnostic(key, "expected a number of seconds, got \(node.described)"))
            return nil
        }
        if value < 0 {
            log.add(diagnostic(key, "must not be negative, got \(text)"))
            return nil
        }
        return value
    }

    public func timestamp(_ key: String, log: inout DiagnosticLog) -> Date? {
        guard let node = node(key) else { return nil }
        guard let text = node.scalar?.string, let date = RFC3339.parse(text) else {
            log.add(diagnostic(key, "expected an RFC 3339 time with an offset such as 2026-12-04T18:00:00+01:00, got \(node.described)"))
            return nil
        }
        return date
    }

    public func stringList(_ key: String, log: inout DiagnosticLog) -> [String] {
        guard let node = node(key) else { return [] }
        if let scalar = node.scalar { return [scalar.string] }
        guard let sequence = node.sequence else {
            log.add(diagnostic(key, "expected a list, got \(node.described)"))
            return []
        }
        var values: [String] = []
        for (index, item) in sequence.enumerated() {
            guard let scalar = item.scalar else {
                log.add(diagnostic("\(key)[\(index)]", "expected text, got \(item.described)", at: item))
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

    public func fields(_ key: String, log: inout DiagnosticLog) -> YAMLFields? {
        guard let node = node(key) else { return nil }
        return YAMLFields.mapping(node, source: source, path: keyPath(key), log: &log)
    }

    /// A list of mappings, e.g. `pickup:` or `images:`. Each item's fields are made as the list
    /// is walked, and dropped after: YAML aliases can repeat one large mapping a thousand times.
    public func fieldsList(_ key: String, log: inout DiagnosticLog) -> LazyMapSequence<[(index: Int, mapping: YAMLNode.Mapping)], YAMLFields> {
        var mappings: [(index: Int, mapping: YAMLNode.Mapping)] = []
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
                log.add(diagnostic(key, "expected a list, got \(node.described)"))
            }
        }
        let source = source, path = keyPath(key)
        return mappings.lazy.map { YAMLFields($0.mapping, source: source, path: "\(path)[\($0.index)]") }
    }
}

/// Whether the text is empty or all white space and newlines. Asked of every required text of
/// every drop: text that starts with a visible ASCII character is answered without Foundation.
func isBlank(_ text: String) -> Bool {
    if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
    return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
}
