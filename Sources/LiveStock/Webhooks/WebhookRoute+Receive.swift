import Foundation

extension WebhookRoute {
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
