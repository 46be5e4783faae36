import Foundation
import StockLedger
import Testing
@testable import LiveStock

/// What each route makes of a verified body: the events, or the exact reason it is refused (400).
struct WebhookPayloadTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000.25)

    static func reason(_ parse: () throws(WebhookRejection) -> Any) -> String? {
        do throws(WebhookRejection) {
            _ = try parse()
            return nil
        } catch {
            #expect(error.kind == .malformed)
            return error.reason
        }
    }

    @Test func dropgenEvents() throws {
        #expect(try DropgenWebhook.parse(Data(#"{"id":"order-7","drop":"mugs","sold":2}"#.utf8), at: Self.now)
                == StockEvent(id: "order-7", drop: "mugs", change: .sold(2), at: Self.now, source: "dropgen"))
        #expect(try DropgenWebhook.parse(Data(#"{"remaining": 0, "drop": "blue-vases", "id": "count-1"}"#.utf8), at: Self.now)
                == StockEvent(id: "count-1", drop: "blue-vases", change: .remaining(0), at: Self.now, source: "dropgen"))
    }

    @Test(arguments: [
        (#"not json"#, "the body is not JSON"),
        (#"[1]"#, "the body is not a JSON object"),
        (#"{"id":"e","drop":"mugs"}"#, "needs sold or remaining"),
        (#"{"id":"e","drop":"mugs","sold":1,"remaining":3}"#, "has both sold and remaining; an event is one of them"),
        (#"{"id":"e","drop":"mugs","sold":0}"#, "sold: must be 1...10000, not 0"),
        (#"{"id":"e","drop":"mugs","sold":10001}"#, "sold: must be 1...10000, not 10001"),
        (#"{"id":"e","drop":"mugs","sold":"2"}"#, "sold: expected a whole number, got a string"),
        (#"{"id":"e","drop":"mugs","sold":true}"#, "sold: expected a whole number, got a boolean"),
        (#"{"id":"e","drop":"mugs","sold":2.5}"#, "sold: expected a whole number, got a number"),
        (#"{"id":"e","drop":"mugs","remaining":-1}"#, "remaining: must be 0...1000000, not -1"),
        (#"{"id":"e","drop":"Mugs","sold":1}"#, #"drop: expected lowercase letters, digits and single dashes, got "Mugs""#),
        (#"{"id":"e","drop":"mugs--2","sold":1}"#, #"drop: expected lowercase letters, digits and single dashes, got "mugs--2""#),
        (#"{"id":"e","drop":7,"sold":1}"#, "drop: expected a string, got a number"),
        (#"{"drop":"mugs","sold":1}"#, "id: missing"),
        (#"{"id":null,"drop":"mugs","sold":1}"#, "id: missing"),
        (#"{"id":"","drop":"mugs","sold":1}"#, "id: must not be empty"),
        (#"{"id":"a\nb","drop":"mugs","sold":1}"#, "id: contains U+000A (a line feed); event ids are one line of text"),
        (#"{"id":"\#(String(repeating: "x", count: 201))","drop":"mugs","sold":1}"#, "id: must be at most 200 characters, not 201"),
        (#"{"id":"e","drop":"mugs","sold":1,"note":"hi"}"#, #"unknown key "note"; expected id, drop and sold or remaining"#),
        (String(repeating: "[", count: 40) + String(repeating: "]", count: 40), "the body is nested more than 32 levels deep"),
        (#"{"id":"e","drop":"mugs","sold":1,"x":"#.appending(String(repeating: "[", count: 33)), "the body is nested more than 32 levels deep"),
    ] as [(String, String)])
    func dropgenRefuses(body: String, reason: String) {
        #expect(Self.reason { () throws(WebhookRejection) in try DropgenWebhook.parse(Data(body.utf8), at: Self.now) } == reason)
    }

    @Test func depthIsCountedOutsideStrings() throws {
        let brackets = String(repeating: "[", count: 100)
        let event = try DropgenWebhook.parse(Data(#"{"id":"\#(brackets)","drop":"mugs","sold":1}"#.utf8), at: Self.now)
        #expect(event.id == brackets)
    }

    @Test func stripeCheckoutCompleted() throws {
        #expect(try StripeWebhook.parse(Bodies.stripe(id: "evt_1"), at: Self.now)
                == .events([StockEvent(id: "evt_1", drop: "mugs", change: .sold(2), at: Self.now, source: "stripe")]))
        #expect(try StripeWebhook.parse(Bodies.stripe(id: "evt_2", quantity: "3"), at: Self.now)
                == .events([StockEvent(id: "evt_2", drop: "mugs", change: .sold(3), at: Self.now, source: "stripe")]))
        #expect(try StripeWebhook.parse(Bodies.stripe(id: "evt_3", quantity: "null"), at: Self.now)
                == .events([StockEvent(id: "evt_3", drop: "mugs", change: .sold(1), at: Self.now, source: "stripe")]))
        let noQuantity = Data(#"{"id":"evt_4","type":"checkout.session.completed","data":{"object":{"metadata":{"drop":"vases"}}}}"#.utf8)
        #expect(try StripeWebhook.parse(noQuantity, at: Self.now)
                == .events([StockEvent(id: "evt_4", drop: "vases", change: .sold(1), at: Self.now, source: "stripe")]))
        #expect(try StripeWebhook.parse(Bodies.stripe(id: "evt_5", type: "payment_intent.succeeded"), at: Self.now)
                == .ignored("event type payment_intent.succeeded"))
    }

    @Test(arguments: [
        (#"{"id":"evt_1","data":{}}"#, "type: missing"),
        (#"{"id":"evt_1","type":"checkout.session.completed"}"#, "data: missing"),
        (#"{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"metadata":{}}}}"#, "data.object.metadata.drop: missing"),
        (#"{"id":"evt_1","type":"checkout.session.completed","data":{"object":{}}}"#, "data.object.metadata: missing"),
        (#"{"type":"checkout.session.completed","data":{"object":{"metadata":{"drop":"mugs"}}}}"#, "id: missing"),
        (String(decoding: Bodies.stripe(id: "evt_1", quantity: #""two""#), as: UTF8.self),
         #"data.object.metadata.quantity: expected a whole number, got "two""#),
        (String(decoding: Bodies.stripe(id: "evt_1", quantity: #""0""#), as: UTF8.self), "data.object.metadata.quantity: must be 1...10000, not 0"),
        (String(decoding: Bodies.stripe(id: "evt_1", quantity: "[2]"), as: UTF8.self),
         "data.object.metadata.quantity: expected a whole number or its digits as a string, got an array"),
        (String(decoding: Bodies.stripe(id: "evt_1", drop: "Big Mug"), as: UTF8.self),
         #"data.object.metadata.drop: expected lowercase letters, digits and single dashes, got "Big Mug""#),
    ] as [(String, String)])
    func stripeRefuses(body: String, reason: String) {
        #expect(Self.reason { () throws(WebhookRejection) in try StripeWebhook.parse(Data(body.utf8), at: Self.now) } == reason)
    }

    @Test func shopifyOrderLines() throws {
        let order = Bodies.shopifyOrder()
        #expect(try ShopifyWebhook.parse(order, topic: "orders/create", webhookID: "b54557e4-bd2d", at: Self.now) == .events([
            StockEvent(id: "b54557e4-bd2d:0", drop: "mugs", change: .sold(2), at: Self.now, source: "shopify"),
            StockEvent(id: "b54557e4-bd2d:2", drop: "vases", change: .sold(1), at: Self.now, source: "shopify"),
        ]))
        #expect(try ShopifyWebhook.parse(order, topic: "orders/create", webhookID: nil, at: Self.now) == .events([
            StockEvent(id: "820982911946154508:0", drop: "mugs", change: .sold(2), at: Self.now, source: "shopify"),
            StockEvent(id: "820982911946154508:2", drop: "vases", change: .sold(1), at: Self.now, source: "shopify"),
        ]))
        #expect(try ShopifyWebhook.parse(order, topic: "orders/updated", webhookID: "w", at: Self.now) == .ignored("topic orders/updated"))
        let noSku = Data(#"{"id":1,"line_items":[{"sku":null,"quantity":1},{"sku":"","quantity":2},{"quantity":3}]}"#.utf8)
        #expect(try ShopifyWebhook.parse(noSku, topic: "orders/create", webhookID: "w", at: Self.now) == .ignored("an order with no sku"))
    }

    @Test(arguments: [
        (#"{"id":1,"line_items":[{"sku":"mugs","quantity":0}]}"#, "w", "line_items[0].quantity: must be 1...10000, not 0"),
        (#"{"id":1,"line_items":[{"sku":"mugs"}]}"#, "w", "line_items[0].quantity: missing"),
        (#"{"id":1,"line_items":[{"sku":"","quantity":1},{"sku":"MUG-1","quantity":1}]}"#, "w",
         #"line_items[1].sku: expected lowercase letters, digits and single dashes, got "MUG-1""#),
        (#"{"id":1,"line_items":{}}"#, "w", "line_items: expected an array, got an object"),
        (#"{"id":1}"#, "w", "line_items: missing"),
        (#"{"line_items":[]}"#, "", "id: missing"),
        (#"{"id":true,"line_items":[]}"#, "", "id: expected a number or a string, got a boolean"),
        (#"{"id":1,"line_items":[]}"#, String(repeating: "w", count: 196), "X-Shopify-Webhook-Id: must be at most 200 characters, not 201"),
    ] as [(String, String, String)])
    func shopifyRefuses(body: String, webhookID: String, reason: String) {
        #expect(Self.reason { () throws(WebhookRejection) in
            try ShopifyWebhook.parse(Data(body.utf8), topic: "orders/create", webhookID: webhookID, at: Self.now)
        } == reason)
    }

    @Test func shopifyNeedsATopic() {
        #expect(Self.reason { () throws(WebhookRejection) in
            try ShopifyWebhook.parse(Bodies.shopifyOrder(), topic: nil, webhookID: "w", at: Self.now)
        } == "no X-Shopify-Topic header")
    }
}
