import Foundation
import SiteManifest

/// The `Stripe-Signature` scheme as Stripe documents it: the header is a comma-separated list of
/// `key=value` elements; `t` is the Unix time Stripe signed at and each `v1` is the hex
/// HMAC-SHA256, keyed with the endpoint's signing secret (`STRIPE_WEBHOOK_SECRET`, `whsec_…`, used
/// as is), of `"<t>.<raw body>"`. Several `v1` (during a secret rotation) are fine: one matching is
/// enough. Other schemes (`v0`) are ignored. The timestamp must be within `tolerance` of now
/// (300 s, Stripe's default), so a captured delivery cannot be replayed later.
public enum StripeSignature {
    public static let header = "Stripe-Signature"
    public static let defaultTolerance: TimeInterval = 300
    static let maxHeaderLength = 4096
    static let maxSignatures = 16

    public static func verify(header value: String?, body: Data, secret: WebhookSecret, now: Date,
                              tolerance: TimeInterval = defaultTolerance) throws(WebhookRejection) {
        guard let value, !value.isEmpty else { throw WebhookRejection(.unauthorized, "no \(header) header") }
        guard value.utf8.count <= maxHeaderLength else {
            throw WebhookRejection(.unauthorized, "\(header) is longer than \(maxHeaderLength) bytes")
        }
        var timestamp: Substring?
        var signatures: [[UInt8]] = []
        for element in value.split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = element.firstIndex(of: "=") else { continue }
            let key = element[..<equals].trimmingCharacters(in: .whitespaces)
            let text = element[element.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "t":
                guard timestamp == nil else { throw WebhookRejection(.unauthorized, "\(header) has more than one t=") }
                timestamp = Substring(text)
            case "v1":
                // A v1 that is not 64 hex digits matches nothing; it does not spoil the others.
                if let bytes = WebhookHMAC.bytes(hex: Substring(text)) { signatures.append(bytes) }
                guard signatures.count <= maxSignatures else {
                    throw WebhookRejection(.unauthorized, "\(header) has more than \(maxSignatures) v1 signatures")
                }
            default:
                continue
            }
        }
        guard let timestamp, !timestamp.isEmpty, timestamp.utf8.count <= 12,
              timestamp.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let seconds = Int(timestamp) else {
            throw WebhookRejection(.unauthorized, "\(header) has no t=<unix time>")
        }
        guard !signatures.isEmpty else { throw WebhookRejection(.unauthorized, "\(header) has no v1=<64 hex digits>") }
        let expected = WebhookHMAC.code([Data(timestamp.utf8), Data(".".utf8), body], secret: secret)
        // Every signature is compared, matching or not: the time taken says nothing about which.
        var matched = false
        for signature in signatures where WebhookHMAC.constantTimeEqual(expected, signature) { matched = true }
        guard matched else { throw WebhookRejection(.unauthorized, "no v1 signature in \(header) matches the body") }
        let age = now.timeIntervalSince1970 - Double(seconds)
        guard abs(age) <= tolerance else {
            throw WebhookRejection(.unauthorized, "\(header) was made at \(RFC3339.format(Date(timeIntervalSince1970: Double(seconds)))), "
                                   + "\(Int(abs(age).rounded())) s \(age >= 0 ? "ago" : "ahead"), beyond the tolerance of \(Int(tolerance)) s")
        }
    }

    /// The header value for `body` signed at `time`: what Stripe sends (and a test computes).
    public static func sign(_ body: Data, secret: WebhookSecret, at time: Date) -> String {
        let t = String(Int(time.timeIntervalSince1970.rounded(.down)))
        return "t=\(t),v1=" + WebhookHMAC.code([Data(t.utf8), Data(".".utf8), body], secret: secret).hex
    }
}
