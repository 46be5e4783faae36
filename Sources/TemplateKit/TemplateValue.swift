/// What a template reads: strings, integers, flags, lists and objects, and nothing else (no
/// `Any`, no dynamic casts, no lambdas). Its cases are public so that a caller can build values
/// and fingerprint them (SiteBuilder digests them to decide whether a page must be rendered again).
///
/// Mustache truthiness (as swift-mustache): `false`, a missing key and an empty list are falsy;
/// every string (even "") and every number (even 0) is truthy.
public enum TemplateValue: Sendable, Equatable {
    /// Printed HTML-escaped by `{{ }}`, as is by `{{{ }}}`.
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])

    @inlinable
    public subscript(key: String) -> TemplateValue? {
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
    @inlinable
    public init(stringLiteral value: String) { self = .string(value) }
    @inlinable
    public init(integerLiteral value: Int) { self = .int(value) }
    @inlinable
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    @inlinable
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    @inlinable
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        // Sized up front: building by merging grew the table several times for every object.
        var fields = [String: TemplateValue](minimumCapacity: elements.count)
        for (key, value) in elements { fields[key] = value }
        self = .object(fields)
    }
}
