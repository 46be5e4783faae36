import Foundation
import StockLedger

/// A Shopify `orders/create` delivery (topic in `X-Shopify-Topic`): each line item whose `sku` is
/// not empty sells `quantity` units of the drop of that slug. The event ids are the delivery's
/// `X-Shopify-Webhook-Id` (else the order's `id`) and the line's index, `<id>:<index>`: each line
/// is deduplicated on its own, and a redelivery repeats them all. Other topics are ignored.
public enum ShopifyWebhook {
    public static let topicHeader = "X-Shopify-Topic"
    public static let webhookIDHeader = "X-Shopify-Webhook-Id"
    public static let ordersCreate = "orders/create"
    static let maxLineItems = 1000

    public static func parse(_ body: Data, topic: String?, webhookID: String?, at now: Date) throws(WebhookRejection) -> WebhookRoute.Payload {
        guard let topic, !topic.isEmpty else { throw WebhookRejection(.malformed, "no \(topicHeader) header") }
        guard topic == ordersCreate else { return .ignored("topic \(topic.prefix(80))") }
        let root = JSONField(try WebhookJSON.parse(body), path: "")
        let base: String
        if let webhookID, !webhookID.isEmpty {
            base = webhookID
        } else {
            let order = try root.required("id")
            switch order.value {
            case .integer(let number): base = String(number)
            case .string(let text): base = text
            default: throw order.wrong("a number or a string")
            }
        }
        // Room for ":<index>" within the 200 characters of an id.
        if let problem = StockEvent.idProblem(base + ":\(maxLineItems)") {
            throw WebhookRejection(.malformed, (webhookID?.isEmpty == false ? webhookIDHeader : "id") + ": " + problem)
        }
        let lines = try root.required("line_items").elements()
        guard lines.count <= maxLineItems else {
            throw WebhookRejection(.malformed, "line_items: more than \(maxLineItems) lines")
        }
        var events: [StockEvent] = []
        for (index, line) in lines.enumerated() {
            guard let sku = try line.optional("sku"), try !sku.string().isEmpty else { continue }
            let drop = try sku.slug()
            let quantity = try line.required("quantity").integer(in: StockEvent.soldRange)
            events.append(StockEvent(id: "\(base):\(index)", drop: drop, change: .sold(quantity), at: now,
                                     source: WebhookRoute.shopify.rawValue))
        }
        return events.isEmpty ? .ignored("an order with no sku") : .events(events)
    }
}
