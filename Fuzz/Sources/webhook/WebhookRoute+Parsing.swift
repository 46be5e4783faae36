// The two declarations of Sources/LiveStock/Webhooks/WebhookRoute.swift that the parsers use,
// copied: that file also verifies signatures (swift-crypto, the rest of LiveStock), which this
// package does not build. A change there that the parsers depend on fails this build.
import StockLedger

public enum WebhookRoute: String, CaseIterable, Sendable {
    case dropgen, stripe, shopify

    public enum Payload: Sendable, Equatable {
        case events([StockEvent])
        case ignored(String)
    }
}

public struct WebhookRejection: Error, Equatable {
    public enum Kind: Sendable, Equatable {
        case unauthorized
        case malformed
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }
}
