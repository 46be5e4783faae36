import Foundation

/// A mistake that stops an announcement run before anything is sent. Never holds a secret.
public enum AnnounceError: Error, Sendable, Equatable, CustomStringConvertible {
    case catalog(String)
    case ledger(key: String, cause: String)
    case template(String)

    public var description: String {
        switch self {
        case let .catalog(cause): "catalog.json: \(cause)"
        case let .ledger(key, cause): "\(key): \(cause)"
        case let .template(cause): cause
        }
    }
}
