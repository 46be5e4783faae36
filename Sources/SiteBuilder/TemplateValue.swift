import Crypto
import Foundation

/// What a template reads. `Contexts` builds these from the Site, `TemplateEngine` renders them,
/// and their digest decides whether a page must be rendered again: a page's bytes are a pure
/// function of its template, its value and the asset map.
///
/// Mustache truthiness (as swift-mustache): `false`, a missing key and an empty list are falsy;
/// every string (even "") and every number (even 0) is truthy.
enum TemplateValue: Sendable, Equatable {
    /// Printed HTML-escaped by `{{ }}`, as is by `{{{ }}}`.
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])

    subscript(key: String) -> TemplateValue? {
        get { if case .object(let fields) = self { fields[key] } else { nil } }
        set {
            guard case .object(var fields) = self else { return }
            self = .bool(false)  // the dictionary's only holder is now `fields`: it is changed in place, not copied
            fields[key] = newValue
            self = .object(fields)
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    init(dictionaryLiteral elements: (String, TemplateValue)...) {
        // Sized up front: building by merging grew the table several times for every object.
        var fields = [String: TemplateValue](minimumCapacity: elements.count)
        for (key, value) in elements { fields[key] = value }
        self = .object(fields)
    }
}

extension TemplateValue {
    /// A digest stable across runs and machines (keys in sorted order), for the build cache.
    func digest() -> String {
        var bytes: [UInt8] = []
        serialize(into: &bytes)
        return hexString(SHA256.hash(data: bytes))
    }

    /// An unambiguous byte form (tagged, length-prefixed, keys sorted): hashed in one call,
    /// which is far cheaper than feeding a hasher piece by piece.
    func serialize(into bytes: inout [UInt8]) {
        switch self {
        case .string(let text):
            bytes.append(0x73)
            appendLength(text.utf8.count, to: &bytes)
            bytes.append(contentsOf: text.utf8)
        case .int(let number):
            bytes.append(0x69)
            appendLength(number, to: &bytes)
        case .bool(let flag):
            bytes.append(flag ? 0x74 : 0x66)
        case .list(let items):
            bytes.append(0x6C)
            appendLength(items.count, to: &bytes)
            for item in items { item.serialize(into: &bytes) }
        case .object(let fields):
            bytes.append(0x6F)
            appendLength(fields.count, to: &bytes)
            for key in fields.keys.sorted() {
                appendLength(key.utf8.count, to: &bytes)
                bytes.append(contentsOf: key.utf8)
                fields[key]!.serialize(into: &bytes)
            }
        }
    }

    private func appendLength(_ value: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
    }
}
