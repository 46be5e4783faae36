import Crypto
import Foundation

/// One webhook signing secret, as the environment gave it. It prints as `<secret>`: no log line,
/// error or `/healthz` answer can carry it.
public struct WebhookSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let bytes: [UInt8]

    /// nil for an empty value: an empty key would make every signature trivial to forge.
    public init?(_ value: String) {
        guard !value.isEmpty else { return nil }
        bytes = Array(value.utf8)
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}

/// The secrets of the three webhook routes. A route whose secret is not set is off: it answers
/// 404 and the server says so when it starts (see `LiveServer`).
public struct WebhookSecrets: Sendable {
    public var dropgen: WebhookSecret?
    public var stripe: WebhookSecret?
    public var shopify: WebhookSecret?

    public init(dropgen: WebhookSecret? = nil, stripe: WebhookSecret? = nil, shopify: WebhookSecret? = nil) {
        self.dropgen = dropgen
        self.stripe = stripe
        self.shopify = shopify
    }

    /// From `DROPGEN_WEBHOOK_SECRET`, `STRIPE_WEBHOOK_SECRET` and `SHOPIFY_WEBHOOK_SECRET`; the
    /// only place secrets come from.
    public static func environment(_ variables: [String: String] = ProcessInfo.processInfo.environment) -> WebhookSecrets {
        WebhookSecrets(dropgen: variables[WebhookRoute.dropgen.secretVariable].flatMap(WebhookSecret.init),
                       stripe: variables[WebhookRoute.stripe.secretVariable].flatMap(WebhookSecret.init),
                       shopify: variables[WebhookRoute.shopify.secretVariable].flatMap(WebhookSecret.init))
    }

    public subscript(route: WebhookRoute) -> WebhookSecret? {
        switch route {
        case .dropgen: dropgen
        case .stripe: stripe
        case .shopify: shopify
        }
    }
}
