import Foundation
import StockLedger

/// dropgen's own webhook body: `{"id": "...", "drop": "slug", "sold": 2}` or
/// `{"id": "...", "drop": "slug", "remaining": 5}`. Strict: no other key, exactly one change.
public enum DropgenWebhook {
    static let keys = ["id", "drop", "sold", "remaining"]

    public static func parse(_ body: Data, at now: Date) throws(WebhookRejection) -> StockEvent {
        let root = JSONField(try WebhookJSON.parse(body), path: "")
        if let unknown = try root.fields().keys.sorted().first(where: { !keys.contains($0) }) {
            throw WebhookRejection(.malformed, "unknown key \"\(unknown.prefix(40))\"; expected id, drop and sold or remaining")
        }
        let id = try root.required("id").eventID()
        let drop = try root.required("drop").slug()
        let change: StockEvent.Change
        switch (try root.optional("sold"), try root.optional("remaining")) {
        case (let sold?, nil): change = .sold(try sold.integer(in: StockEvent.soldRange))
        case (nil, let remaining?): change = .remaining(try remaining.integer(in: StockEvent.remainingRange))
        case (nil, nil): throw WebhookRejection(.malformed, "needs sold or remaining")
        case (_?, _?): throw WebhookRejection(.malformed, "has both sold and remaining; an event is one of them")
        }
        return StockEvent(id: id, drop: drop, change: change, at: now, source: WebhookRoute.dropgen.rawValue)
    }
}
