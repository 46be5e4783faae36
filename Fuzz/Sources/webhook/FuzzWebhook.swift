// Webhook bodies (dropgen, Stripe, Shopify orders/create), the same bytes to each parser: every
// event a parser returns must be applicable (no `problem`). A hang is caught by libFuzzer's timeout.
import Foundation
import StockLedger

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    if let event = try? DropgenWebhook.parse(body, at: now) { check("dropgen", [event], body) }
    if case .events(let events)? = try? StripeWebhook.parse(body, at: now) { check("stripe", events, body) }
    if case .events(let events)? = try? ShopifyWebhook.parse(body, topic: "orders/create", webhookID: "1", at: now) {
        check("shopify", events, body)
    }
    return 0
}

func check(_ route: String, _ events: [StockEvent], _ body: Data) {
    for event in events {
        if let problem = event.problem { fail("\(route) returned event \(event) with a problem: \(problem)", body) }
    }
}

func fail(_ what: String, _ body: Data) -> Never {
    FileHandle.standardError.write(Data("WEBHOOK PROPERTY VIOLATED:\n\(what)\nin: \(String(decoding: body, as: UTF8.self).debugDescription)\n".utf8))
    fatalError("webhook property violated")
}
