import Crypto
import Foundation
import Testing
@testable import LiveStock

/// Each scheme with a correct, a wrong and a stale signature, the expected ones computed here
/// from the schemes as documented (not with the code under test). Only Stripe's scheme has a
/// timestamp; for the other two "stale" is the signature of an earlier body replayed on a new one.
struct WebhookSignatureTests {
    static let body = Data(#"{"id":"e1","drop":"mugs","sold":2}"#.utf8)
    static let earlier = Data(#"{"id":"e0","drop":"mugs","sold":1}"#.utf8)
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    static func mac(_ key: String, _ message: Data) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(key.utf8))))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static let secret = WebhookSecret("dg-secret")!

    @Test(arguments: [
        ("sha256=" + hex(mac("dg-secret", body)), nil),
        ("sha256=" + hex(mac("dg-secret", body)).uppercased(), nil),
        ("sha256=" + hex(mac("other-secret", body)), "X-Dropgen-Signature does not match the body"),
        ("sha256=" + hex(mac("dg-secret", earlier)), "X-Dropgen-Signature does not match the body"),
        (hex(mac("dg-secret", body)), "X-Dropgen-Signature is not sha256=<64 hex digits>"),
        ("sha256=" + String(hex(mac("dg-secret", body)).dropLast()), "X-Dropgen-Signature is not sha256=<64 hex digits>"),
        ("sha1=abc", "X-Dropgen-Signature is not sha256=<64 hex digits>"),
        ("", "no X-Dropgen-Signature header"),
    ] as [(String, String?)])
    func dropgen(header: String, error: String?) {
        #expect(Self.outcome { () throws(WebhookRejection) in
            try DropgenSignature.verify(header: header, body: Self.body, secret: Self.secret)
        } == error)
    }

    @Test func dropgenSignsAsItVerifies() {
        #expect(DropgenSignature.sign(Self.body, secret: Self.secret) == "sha256=" + Self.hex(Self.mac("dg-secret", Self.body)))
        #expect(Self.outcome { () throws(WebhookRejection) in
            try DropgenSignature.verify(header: nil, body: Self.body, secret: Self.secret)
        } == "no X-Dropgen-Signature header")
    }

    /// Stripe: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the whole `whsec_…` secret.
    static func stripeV1(_ t: Int, key: String = "whsec_abc", body: Data = body) -> String {
        hex(mac(key, Data("\(t).".utf8) + body))
    }

    static let t = Int(now.timeIntervalSince1970)

    @Test(arguments: [
        ("t=\(t),v1=\(stripeV1(t))", nil),
        ("t=\(t - 299),v1=\(stripeV1(t - 299))", nil),
        ("t=\(t + 299),v1=\(stripeV1(t + 299))", nil),
        // A rotation: the old secret's signature first, then the new one's.
        ("t=\(t),v1=\(stripeV1(t, key: "whsec_old")),v1=\(stripeV1(t))", nil),
        ("t=\(t), v1=\(stripeV1(t)), v0=\(stripeV1(t, key: "whsec_test"))", nil),
        ("t=\(t),v1=\(stripeV1(t, key: "whsec_other"))", "no v1 signature in Stripe-Signature matches the body"),
        ("t=\(t),v1=\(stripeV1(t, body: earlier))", "no v1 signature in Stripe-Signature matches the body"),
        // Signed at one time, claimed at another: the time is part of what is signed.
        ("t=\(t),v1=\(stripeV1(t - 10))", "no v1 signature in Stripe-Signature matches the body"),
        ("t=\(t - 301),v1=\(stripeV1(t - 301))",
         "Stripe-Signature was made at 2026-11-30T00:48:19Z, 301 s ago, beyond the tolerance of 300 s"),
        ("t=\(t + 400),v1=\(stripeV1(t + 400))",
         "Stripe-Signature was made at 2026-11-30T01:00:00Z, 400 s ahead, beyond the tolerance of 300 s"),
        ("t=\(t),v0=\(stripeV1(t))", "Stripe-Signature has no v1=<64 hex digits>"),
        ("t=\(t),v1=zz", "Stripe-Signature has no v1=<64 hex digits>"),
        ("v1=\(stripeV1(t))", "Stripe-Signature has no t=<unix time>"),
        ("t=soon,v1=\(stripeV1(t))", "Stripe-Signature has no t=<unix time>"),
        ("t=\(t),t=\(t),v1=\(stripeV1(t))", "Stripe-Signature has more than one t="),
        ("", "no Stripe-Signature header"),
    ] as [(String, String?)])
    func stripe(header: String, error: String?) {
        #expect(Self.outcome { () throws(WebhookRejection) in
            try StripeSignature.verify(header: header, body: Self.body, secret: WebhookSecret("whsec_abc")!, now: Self.now)
        } == error)
    }

    @Test func stripeToleranceIsAnOption() {
        let header = "t=\(Self.t - 600),v1=\(Self.stripeV1(Self.t - 600))"
        #expect(Self.outcome { () throws(WebhookRejection) in
            try StripeSignature.verify(header: header, body: Self.body, secret: WebhookSecret("whsec_abc")!, now: Self.now, tolerance: 900)
        } == nil)
        #expect(StripeSignature.sign(Self.body, secret: WebhookSecret("whsec_abc")!, at: Self.now)
                == "t=\(Self.t),v1=\(Self.stripeV1(Self.t))")
    }

    /// Shopify: `X-Shopify-Hmac-Sha256` is the base64 of the HMAC-SHA256 of the raw body.
    @Test(arguments: [
        (Data(mac("shpss", body)).base64EncodedString(), nil),
        (Data(mac("other", body)).base64EncodedString(), "X-Shopify-Hmac-Sha256 does not match the body"),
        (Data(mac("shpss", earlier)).base64EncodedString(), "X-Shopify-Hmac-Sha256 does not match the body"),
        (hex(mac("shpss", body)), "X-Shopify-Hmac-Sha256 is not the base64 of 32 bytes"),
        (Data(mac("shpss", body).prefix(16)).base64EncodedString(), "X-Shopify-Hmac-Sha256 is not the base64 of 32 bytes"),
        ("", "no X-Shopify-Hmac-Sha256 header"),
    ] as [(String, String?)])
    func shopify(header: String, error: String?) {
        #expect(Self.outcome { () throws(WebhookRejection) in
            try ShopifySignature.verify(header: header, body: Self.body, secret: WebhookSecret("shpss")!)
        } == error)
    }

    @Test func secretsComeFromTheEnvironmentAndNeverPrint() {
        let secrets = WebhookSecrets.environment(["DROPGEN_WEBHOOK_SECRET": "s1", "STRIPE_WEBHOOK_SECRET": "", "PATH": "/bin"])
        #expect(secrets.dropgen != nil)
        #expect(secrets.stripe == nil)   // empty is unset: an empty key is no secret
        #expect(secrets.shopify == nil)
        #expect("\(secrets.dropgen!)" == "<secret>")
        #expect(String(reflecting: secrets.dropgen!) == "<secret>")
        #expect(!"\(secrets)".contains("s1"))
    }

    @Test func constantTimeCompare() {
        #expect(WebhookHMAC.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!WebhookHMAC.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!WebhookHMAC.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    /// The rejection's reason, or nil when the signature holds.
    static func outcome(_ check: () throws(WebhookRejection) -> Void) -> String? {
        do throws(WebhookRejection) {
            try check()
            return nil
        } catch {
            #expect(error.kind == .unauthorized)
            return error.reason
        }
    }
}
