import Foundation
import StockLedger

/// A Stripe event: `checkout.session.completed` sells `data.object.metadata.quantity` (a string
/// or a number, 1 when absent) units of `data.object.metadata.drop`; its id is the event's `id`,
/// the same on every redelivery. Every other type is acknowledged and ignored.
public enum StripeWebhook {
    public static let checkoutCompleted = "checkout.session.completed"

    public static func parse(_ body: Data, at now: Date) throws(WebhookRejection) -> WebhookRoute.Payload {
        let root = JSONField(try WebhookJSON.parse(body), path: "")
        let type = try root.required("type").string()
        guard type == checkoutCompleted else { return .ignored("event type \(type.prefix(80))") }
        let id = try root.required("id").eventID()
        let metadata = try root.required("data").required("object").required("metadata")
        let drop = try metadata.required("drop").slug()
        let quantity = try metadata.optional("quantity")?.integer(in: StockEvent.soldRange, allowingText: true) ?? 1
        return .events([StockEvent(id: id, drop: drop, change: .sold(quantity), at: now, source: WebhookRoute.stripe.rawValue)])
    }
}
