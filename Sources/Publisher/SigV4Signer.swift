import Crypto
import Foundation
import SiteManifest

/// AWS Signature Version 4 for S3 (header-based), on swift-crypto's HMAC-SHA256 and SHA-256.
public struct SigV4Signer: Sendable {
    public var accessKeyID: String
    var secretAccessKey: String
    public var sessionToken: String?
    public var region: String
    public var service: String
    /// The signing key is one per day, region and service: derived once a day, not per request.
    let keys = SigningKeyCache()

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil,
                region: String, service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.service = service
    }

    public static let emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// A request ready to be sent: the headers include `Authorization`, `x-amz-date`,
    /// `x-amz-content-sha256` and (with a session token) `x-amz-security-token`.
    public struct Signed: Sendable {
        public var headers: [(name: String, value: String)]
        public var canonicalRequest: String
        public var stringToSign: String
        public var signature: String

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// Signs a request. `path` is the raw, unencoded path (`/bucket/a b.txt`); it is encoded
    /// here exactly as it must be sent (see `encodePath`). `query` holds raw names and values.
    /// Every header in `headers` is signed; `host` must be among them.
    public func sign(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                     payloadSHA256: String, date: Date) -> Signed {
        let amzDate = Self.amzDate(date)
        let day = String(amzDate.prefix(8))
        var all = headers
        all.append(("x-amz-date", amzDate))
        if !all.contains(where: { $0.0.lowercased() == "x-amz-content-sha256" }) {
            all.append(("x-amz-content-sha256", payloadSHA256))
        }
        if let sessionToken { all.append(("x-amz-security-token", sessionToken)) }

        var canonical: [String: String] = [:]
        for (name, value) in all {
            let key = name.lowercased()
            let trimmed = Self.trimHeaderValue(value)
            canonical[key] = canonical[key].map { $0 + "," + trimmed } ?? trimmed
        }
        let names = canonical.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let canonicalHeaders = names.map { "\($0):\(canonical[$0]!)\n" }.joined()
        let canonicalRequest = [
            method,
            Self.encodePath(path),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            payloadSHA256,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256",
            amzDate,
            scope,
            SHA256.hash(data: Data(canonicalRequest.utf8)).hex,
        ].joined(separator: "\n")
        let key = signingKey(day: day)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key).hex
        let authorization = "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope),SignedHeaders=\(signedHeaders),Signature=\(signature)"
        var out = all.map { (name: $0.0, value: $0.1) }
        out.append((name: "Authorization", value: authorization))
        return Signed(headers: out, canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature)
    }

    func signingKey(day: String) -> SymmetricKey {
        keys.key(scope: [day, region, service, secretAccessKey]) { deriveSigningKey(day: day) }
    }

    func deriveSigningKey(day: String) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)))
        }
        let secret = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        return hmac(hmac(hmac(hmac(secret, day), region), service), "aws4_request")
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC: RFC 3339's UTC form without its separators.
    public static func amzDate(_ date: Date) -> String {
        RFC3339.format(date).filter { $0 != "-" && $0 != ":" }
    }

    /// RFC 3986 encoding as SigV4 wants it: unreserved characters (`A-Z a-z 0-9 - _ . ~`) stay,
    /// every other byte of the UTF-8 form becomes `%XX` (upper-case hex); `/` stays unless
    /// `encodeSlash`.
    public static func uriEncode(_ text: String, encodeSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where !encodeSlash:
                out += "/"
            default:
                out += byte.percentEncoded
            }
        }
        return out
    }

    /// The path as sent and as signed: S3 encodes each segment once, keeping `/`.
    public static func encodePath(_ path: String) -> String {
        let encoded = uriEncode(path, encodeSlash: false)
        return encoded.isEmpty ? "/" : encoded
    }

    /// Names and values encoded (with `/` encoded), sorted by name then value, `name=value`
    /// joined by `&`; a parameter without value is `name=`.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        var pairs: [(name: String, value: String)] = []
        for (name, value) in query {
            pairs.append((uriEncode(name, encodeSlash: true), uriEncode(value, encodeSlash: true)))
        }
        pairs.sort { a, b in a.name != b.name ? a.name < b.name : a.value < b.value }
        let parts: [String] = pairs.map { pair in pair.name + "=" + pair.value }
        return parts.joined(separator: "&")
    }

    static func trimHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

/// The last signing key derived, with what it was derived from (day, region, service, secret).
/// A signer is copied with its target, and the copies share one cache: a copy with another
/// secret or region derives its own key.
final class SigningKeyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var scope: [String] = []
    private var cached: SymmetricKey?

    func key(scope wanted: [String], derive: () -> SymmetricKey) -> SymmetricKey {
        if let key = lock.withLock({ scope == wanted ? cached : nil }) { return key }
        let key = derive()
        lock.withLock {
            scope = wanted
            cached = key
        }
        return key
    }
}
