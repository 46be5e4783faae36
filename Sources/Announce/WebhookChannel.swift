import Crypto
import Foundation
import SiteManifest

/// A generic JSON webhook for relays and automations, signed like the checkout webhooks dropgen
/// receives: `X-Dropgen-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. `X-Dropgen-Event`
/// carries the event id, so a receiver can drop a delivery it already has: that makes a resend
/// after a lost answer safe, and dropgen does resend (at least once).
struct WebhookChannel: ChannelDriver {
    struct Body: Encodable, Equatable {
        var id: String
        var kind: String
        var site: String
        var drop: LiveCatalog.Drop
    }

    static let signatureHeader = "x-dropgen-signature"
    static let eventHeader = "x-dropgen-event"

    let channel: AnnounceConfig.Channel
    let url: String?
    let urlEnv: String
    let secret: String?
    let secretEnv: String
    var resendsUnconfirmed: Bool { true }

    func eventRequest(_ event: AnnounceEvent, site: String, templates: MessageTemplates) throws -> OutboundRequest {
        let body = JSONBody.encode(Body(id: event.id, kind: event.kind.rawValue, site: site, drop: event.drop))
        var headers = ["content-type": "application/json", Self.eventHeader: LineSafe.firstUnsafe(in: event.id) == nil ? event.id : "-"]
        if let secret {
            headers[Self.signatureHeader] = "sha256=" + Self.signature(body, secret: secret)
        }
        return OutboundRequest(method: "POST", url: url ?? "", display: "POST $\(urlEnv) (signed with $\(secretEnv))",
                               headers: headers, body: body)
    }

    func catalogRequest(_ catalog: LiveCatalog, editing messageID: String?, templates: MessageTemplates) throws -> OutboundRequest {
        // The configuration refuses `pinned_catalog` on a webhook channel.
        throw AnnounceError.template("a webhook channel keeps no pinned catalog")
    }

    static func signature(_ body: Data, secret: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))).hex
    }

    func messageID(from response: InboundResponse) -> String? { nil }
    func retryAfter(_ response: InboundResponse) -> TimeInterval? { retryAfterHeader(response) }
    func errorText(_ response: InboundResponse) -> String { "HTTP \(response.status)" }
    func isMissingMessage(_ response: InboundResponse) -> Bool { false }
}
