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
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension TemplateValue {
    /// A digest stable across runs and machines (keys in sorted order), for the build cache.
    func digest() -> String {
        var hasher = SHA256()
        feed(into: &hasher)
        return hexString(hasher.finalize())
    }

    func feed(into hasher: inout SHA256) {
        switch self {
        case .string(let text):
            hasher.update(data: [0x73])
            feedLength(text.utf8.count, into: &hasher)
            var text = text
            text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        case .int(let number):
            hasher.update(data: [0x69])
            feedLength(number, into: &hasher)
        case .bool(let flag):
            hasher.update(data: [flag ? 0x74 : 0x66])
        case .list(let items):
            hasher.update(data: [0x6C])
            feedLength(items.count, into: &hasher)
            for item in items { item.feed(into: &hasher) }
        case .object(let fields):
            hasher.update(data: [0x6F])
            feedLength(fields.count, into: &hasher)
            for key in fields.keys.sorted() {
                TemplateValue.string(key).feed(into: &hasher)
                fields[key]!.feed(into: &hasher)
            }
        }
    }

    private func feedLength(_ value: Int, into hasher: inout SHA256) {
        withUnsafeBytes(of: Int64(value).littleEndian) { hasher.update(bufferPointer: $0) }
    }
}
