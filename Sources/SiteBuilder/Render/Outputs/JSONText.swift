import Foundation
import SiteManifest

/// A JSON value, typed: encoding it needs no dynamic casts.
enum JSONValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    /// JSON already encoded at the nesting level where it is placed, written as it is.
    case fragment(String)

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) {
        // Sized up front: building by merging grew the table several times for every object.
        var fields = [String: JSONValue](minimumCapacity: elements.count)
        for (key, value) in elements { fields[key] = value }
        self = .object(fields)
    }
    init(nilLiteral: ()) { self = .null }

    /// `.null` for nil, so optional fields stay in the output as `null`.
    init(_ string: String?) { self = string.map(JSONValue.string) ?? .null }
    init(_ number: Int?) { self = number.map(JSONValue.int) ?? .null }

    subscript(key: String) -> JSONValue? {
        get { if case .object(let fields) = self { fields[key] } else { nil } }
        set {
            guard case .object(var fields) = self else { return }
            self = .null  // the dictionary's only holder is now `fields`: it is changed in place, not copied
            fields[key] = newValue
            self = .object(fields)
        }
    }
}

/// JSON for pages and catalogs: sorted keys so output is deterministic, and `<`, `>`, `&`
/// escaped so that no user text can close a `<script>` element or start a comment. Written by
/// hand because Foundation's serializer with sorted keys dominated build profiles.
enum JSONText {
    /// `level` is the nesting depth the value will sit at, for pretty output of fragments.
    static func encode(_ value: JSONValue, pretty: Bool = false, level: Int = 0) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        write(value, into: &output, indent: pretty ? level : nil)
        return String(decoding: output, as: UTF8.self)
    }

    // Bytes, not a String: appending to a String costs a check per piece, and JSON-LD and
    // catalogs are written for every drop.
    private static func write(_ value: JSONValue, into output: inout [UInt8], indent: Int?) {
        switch value {
        case .fragment(let text): output += text.utf8
        case .string(let string): writeString(string, into: &output)
        case .bool(let bool): output += (bool ? "true" : "false").utf8
        case .int(let int): output += String(int).utf8
        case .null: output += "null".utf8
        case .object(let dictionary):
            if dictionary.isEmpty { output += "{}".utf8; return }
            output.append(UInt8(ascii: "{"))
            // Byte order is code point order, which is String's for the plain keys written here.
            for (index, field) in dictionary.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(&output, indent.map { $0 + 1 })
                writeString(field.key, into: &output)
                output += (indent == nil ? ":" : " : ").utf8
                write(field.value, into: &output, indent: indent.map { $0 + 1 })
            }
            newline(&output, indent)
            output.append(UInt8(ascii: "}"))
        case .array(let array):
            if array.isEmpty { output += "[]".utf8; return }
            output.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(&output, indent.map { $0 + 1 })
                write(element, into: &output, indent: indent.map { $0 + 1 })
            }
            newline(&output, indent)
            output.append(UInt8(ascii: "]"))
        }
    }

    private static func newline(_ output: inout [UInt8], _ indent: Int?) {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    private static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        defer { output.append(UInt8(ascii: "\"")) }
        // Most text needs no escape at all: copy it whole.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0xE2 }) {
            output += string.utf8
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\"".utf8
            case "\\": output += "\\\\".utf8
            case "\n": output += "\\n".utf8
            case "\r": output += "\\r".utf8
            case "\t": output += "\\t".utf8
            case "<": output += "\\u003c".utf8
            case ">": output += "\\u003e".utf8
            case "&": output += "\\u0026".utf8
            case "\u{2028}": output += "\\u2028".utf8
            case "\u{2029}": output += "\\u2029".utf8
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
            default: UTF8.encode(scalar) { output.append($0) }
            }
        }
    }
}
