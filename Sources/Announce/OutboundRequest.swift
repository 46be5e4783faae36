import Foundation

/// One HTTP request to a channel. `url` may hold a secret (a webhook token, a bot token) and is
/// used only to send; `display` is what output, logs and `--dry-run` show instead.
public struct OutboundRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var display: String
    public var headers: [String: String]
    public var body: Data

    /// The body as readable JSON (sorted keys), for `--dry-run`.
    public var prettyBody: String {
        guard let object = try? JSONSerialization.jsonObject(with: body),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return String(decoding: body, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }
}

/// What a channel answered.
public struct InboundResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// How requests leave: `HTTPTransport` in dropgen, a recorder in the tests.
public protocol AnnounceTransport: Sendable {
    func execute(_ request: OutboundRequest) async throws -> InboundResponse
}

enum JSONBody {
    static func encode<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every payload is made of strings, numbers, booleans, arrays and objects: it encodes.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
