import Foundation
import SiteManifest
import StockLedger

/// A webhook body as JSON values with exact types (a `true` is never the number 1), read only
/// after its signature holds, nested at most `maxDepth` deep. The size is bounded before: the
/// server reads at most `LiveServer.Configuration.maxBodyBytes`.
indirect enum WebhookJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([WebhookJSON])
    case object([String: WebhookJSON])

    static let maxDepth = 32

    init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var values: [WebhookJSON] = []
            while !array.isAtEnd { values.append(try array.decode(WebhookJSON.self)) }
            self = .array(values)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var values: [String: WebhookJSON] = [:]
            for key in object.allKeys { values[key.stringValue] = try object.decode(WebhookJSON.self, forKey: key) }
            self = .object(values)
            return
        }
        let value = try decoder.singleValueContainer()
        if value.decodeNil() { self = .null }
        else if let bool = try? value.decode(Bool.self) { self = .bool(bool) }
        else if let integer = try? value.decode(Int.self) { self = .integer(integer) }
        else if let number = try? value.decode(Double.self) { self = .number(number) }
        else { self = .string(try value.decode(String.self)) }
    }

    /// Parses `body`, refusing anything but one JSON object nested at most `maxDepth` deep.
    static func parse(_ body: Data) throws(WebhookRejection) -> WebhookJSON {
        if let problem = depthProblem(body) { throw WebhookRejection(.malformed, problem) }
        let value: WebhookJSON
        do {
            value = try JSONDecoder().decode(WebhookJSON.self, from: body)
        } catch {
            throw WebhookRejection(.malformed, "the body is not JSON")
        }
        guard case .object = value else { throw WebhookRejection(.malformed, "the body is not a JSON object") }
        return value
    }

    /// Nesting counted on the bytes, outside strings, before any parser recurses into it.
    static func depthProblem(_ body: Data) -> String? {
        var depth = 0, inString = false, escaped = false
        for byte in body {
            if inString {
                if escaped { escaped = false }
                else if byte == UInt8(ascii: "\\") { escaped = true }
                else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth { return "the body is nested more than \(maxDepth) levels deep" }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }

    var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// A value and where it is (`data.object.metadata.drop`), for errors that say exactly what is wrong.
struct JSONField {
    let value: WebhookJSON
    let path: String

    init(_ value: WebhookJSON, path: String) {
        self.value = value
        self.path = path
    }

    func wrong(_ expected: String) -> WebhookRejection {
        WebhookRejection(.malformed, "\(path): expected \(expected), got \(value.kind)")
    }

    func fields() throws(WebhookRejection) -> [String: WebhookJSON] {
        guard case .object(let fields) = value else { throw wrong("an object") }
        return fields
    }

    /// The member `key`, nil when absent or null.
    func optional(_ key: String) throws(WebhookRejection) -> JSONField? {
        guard let member = try fields()[key], member != .null else { return nil }
        return JSONField(member, path: path.isEmpty ? key : path + "." + key)
    }

    func required(_ key: String) throws(WebhookRejection) -> JSONField {
        guard let member = try optional(key) else {
            throw WebhookRejection(.malformed, "\(path.isEmpty ? key : path + "." + key): missing")
        }
        return member
    }

    func elements() throws(WebhookRejection) -> [JSONField] {
        guard case .array(let values) = value else { throw wrong("an array") }
        return values.enumerated().map { JSONField($1, path: "\(path)[\($0)]") }
    }

    func string() throws(WebhookRejection) -> String {
        guard case .string(let text) = value else { throw wrong("a string") }
        return text
    }

    /// A whole number in `range`; with `allowingText`, also its decimal digits as a string
    /// (Stripe metadata values are strings).
    func integer(in range: ClosedRange<Int>, allowingText: Bool = false) throws(WebhookRejection) -> Int {
        let number: Int
        switch value {
        case .integer(let integer): number = integer
        case .string(let text) where allowingText:
            guard !text.isEmpty, text.utf8.count <= 12, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                  let integer = Int(text) else {
                throw WebhookRejection(.malformed, "\(path): expected a whole number, got \"\(LineSafe.terminalEscaped(String(text.prefix(20))))\"")
            }
            number = integer
        default:
            throw wrong(allowingText ? "a whole number or its digits as a string" : "a whole number")
        }
        guard range.contains(number) else {
            throw WebhookRejection(.malformed, "\(path): must be \(range.lowerBound)...\(range.upperBound), not \(number)")
        }
        return number
    }

    /// An event id: 1...200 characters of one line.
    func eventID() throws(WebhookRejection) -> String {
        let id = try string()
        if let problem = StockEvent.idProblem(id) { throw WebhookRejection(.malformed, "\(path): \(problem)") }
        return id
    }

    /// A drop's slug.
    func slug() throws(WebhookRejection) -> String {
        let slug = try string()
        if let problem = StockEvent.slugProblem(String(slug.prefix(StockEvent.maxSlugLength + 1))) {
            throw WebhookRejection(.malformed, "\(path): \(problem)")
        }
        return slug
    }
}
