import Foundation
import SiteManifest

/// What `GET /healthz` reports: events waiting to be applied, the last publish and the next
/// transition. Written by the coalescer and the scheduler, read by requests.
final class LiveStatus: @unchecked Sendable {
    struct Publish: Sendable, Equatable {
        var at: Date
        /// "published" or "failed".
        var outcome: String
        /// "stock" (a batch of events) or "transition" (a drop's state changed).
        var trigger: String
        var events: Int
        /// Objects uploaded, when the sink says (a stock apply does).
        var uploaded: Int?
    }

    private let lock = NSLock()
    private var pending = 0
    private var applying = 0
    private var lastPublish: Publish?
    private var nextTransition: Date?

    func queued(pending: Int, applying: Int) {
        lock.withLock { (self.pending, self.applying) = (pending, applying) }
    }

    func published(_ publish: Publish) {
        lock.withLock { lastPublish = publish }
    }

    func scheduled(_ next: Date?) {
        lock.withLock { nextTransition = next }
    }

    /// `{"last_publish": {...} | null, "next_transition": "…" | null, "pending": N, "routes": {...}, "status": "ok"}`.
    func json(routes: [WebhookRoute: Bool]) -> Data {
        let (pending, applying, last, next) = lock.withLock { (self.pending, self.applying, lastPublish, nextTransition) }
        var object: [String: Any] = [
            "status": "ok",
            "pending": pending + applying,
            "applying": applying,
            "next_transition": next.map { RFC3339.format($0) as Any } ?? NSNull(),
            "routes": Dictionary(uniqueKeysWithValues: routes.map { ($0.key.rawValue, $0.value ? "on" : "off") }),
        ]
        object["last_publish"] = last.map {
            ["at": LiveLogger.timestamp($0.at), "outcome": $0.outcome, "trigger": $0.trigger, "events": $0.events,
             "uploaded": $0.uploaded.map { $0 as Any } ?? NSNull()] as [String: Any]
        } ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return data + Data("\n".utf8)
    }
}
