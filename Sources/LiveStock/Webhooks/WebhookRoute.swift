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
}
