import Crypto
import Foundation
import SiteManifest

/// HMAC-SHA256 and the constant-time comparison every route's check ends in.
enum WebhookHMAC {
    static func code(_ parts: [Data], secret: WebhookSecret) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: secret.key)
        for part in parts { hmac.update(data: part) }
        return Array(hmac.finalize())
    }

    /// Equal bytes, compared in time that depends only on the lengths (public: 32 bytes), never
    /// on where the first difference is.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// 64 hex digits (either case) as 32 bytes, else nil.
    static func bytes(hex text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 2 * SHA256.byteCount else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(SHA256.byteCount)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}

/// `X-Dropgen-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, keyed with `DROPGEN_WEBHOOK_SECRET`.
public enum DropgenSignature {
    public static let header = "X-Dropgen-Signature"

    public static func verify(header value: String?, body: Data, secret: WebhookSecret) throws(WebhookRejection) {
        guard let value, !value.isEmpty else { throw WebhookRejection(.unauthorized, "no \(header) header") }
        guard value.hasPrefix("sha256="), let expected = WebhookHMAC.bytes(hex: value.dropFirst("sha256=".count)) else {
            throw WebhookRejection(.unauthorized, "\(header) is not sha256=<64 hex digits>")
        }
        guard WebhookHMAC.constantTimeEqual(WebhookHMAC.code([body], secret: secret), expected) else {
            throw WebhookRejection(.unauthorized, "\(header) does not match the body")
        }
    }

    /// The header value for `body`: what a sender (and a test) computes.
    public static func sign(_ body: Data, secret: WebhookSecret) -> String {
        "sha256=" + WebhookHMAC.code([body], secret: secret).hex
    }
}

/// `X-Shopify-Hmac-Sha256`: the base64 of the HMAC-SHA256 of the raw body, keyed with the app's
/// secret (`SHOPIFY_WEBHOOK_SECRET`), as Shopify documents it.
public enum ShopifySignature {
    public static let header = "X-Shopify-Hmac-Sha256"

    public static func verify(header value: String?, body: Data, secret: WebhookSecret) throws(WebhookRejection) {
        guard let value, !value.isEmpty else { throw WebhookRejection(.unauthorized, "no \(header) header") }
        guard value.utf8.count <= 64, let decoded = Data(base64Encoded: value), decoded.count == SHA256.byteCount else {
            throw WebhookRejection(.unauthorized, "\(header) is not the base64 of 32 bytes")
        }
        guard WebhookHMAC.constantTimeEqual(WebhookHMAC.code([body], secret: secret), Array(decoded)) else {
            throw WebhookRejection(.unauthorized, "\(header) does not match the body")
        }
    }

    public static func sign(_ body: Data, secret: WebhookSecret) -> String {
        Data(WebhookHMAC.code([body], secret: secret)).base64EncodedString()
    }
}

