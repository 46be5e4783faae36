import Foundation
import StockLedger

/// The three webhook routes of `dropgen live`: where each is, whose secret signs it, and how a
/// delivery becomes stock events.
public enum WebhookRoute: String, CaseIterable, Sendable {
    case dropgen, stripe, shopify

    public var path: String { "/hooks/" + rawValue }

    /// The environment variable holding the route's signing secret.
    public var secretVariable: String {
        switch self {
        case .dropgen: "DROPGEN_WEBHOOK_SECRET"
        case .stripe: "STRIPE_WEBHOOK_SECRET"
        case .shopify: "SHOPIFY_WEBHOOK_SECRET"
        }
    }

    public init?(path: String) {
        guard let route = Self.allCases.first(where: { $0.path == path }) else { return nil }
        self = route
    }

    /// What a delivery said, once its signature holds.
    public enum Payload: Sendable, Equatable {
        case events([StockEvent])
        /// A kind of event that does not change stock (another Stripe event type, another Shopify
        /// topic, an order with no drop in it): acknowledged, so the sender does not retry it.
        case ignored(String)
    }

    /// Verifies the signature over the raw `body`, then parses it. `header` looks a request
    /// header up by name (case-insensitively); `now` stamps the events and judges Stripe's
    /// timestamp. Nothing is parsed before the signature holds.
    public func receive(body: Data, header: (String) -> String?, secret: WebhookSecret, now: Date,
                        stripeTolerance: TimeInterval = StripeSignature.defaultTolerance) throws(WebhookRejection) -> Payload {
        switch self {
        case .dropgen:
            try DropgenSignature.verify(header: header(DropgenSignature.header), body: body, secret: secret)
            return .events([try DropgenWebhook.parse(body, at: now)])
        case .stripe:
            try StripeSignature.verify(header: header(StripeSignature.header), body: body, secret: secret, now: now,
                                       tolerance: stripeTolerance)
            return try StripeWebhook.parse(body, at: now)
        case .shopify:
            try ShopifySignature.verify(header: header(ShopifySignature.header), body: body, secret: secret)
            return try ShopifyWebhook.parse(body, topic: header(ShopifyWebhook.topicHeader),
                                            webhookID: header(ShopifyWebhook.webhookIDHeader), at: now)
        }
    }
}

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
