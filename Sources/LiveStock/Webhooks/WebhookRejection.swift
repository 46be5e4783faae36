import Foundation

/// Why a delivery was refused: the status it is answered with and a reason for the log line
/// and the response. The reason never holds the secret, a signature or the payload itself.
public struct WebhookRejection: Error, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// 401: a signature missing, malformed, wrong or too old.
        case unauthorized
        /// 400: not JSON, or not the shape the route expects.
        case malformed
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }
}
