import Foundation
import Testing
@testable import Publisher

/// The four worked examples of the S3 API reference ("Signature Calculations for the
/// Authorization Header", sig-v4-header-based-auth) and URI-encoding edge cases.
@Suite("SigV4 signer")
struct SigV4SignerTests {
    static let signer = SigV4Signer(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let host = ("host", "examplebucket.s3.amazonaws.com")
    static let empty = SigV4Signer.emptyPayloadSHA256

    @Test func getObjectWithRange() {
        let signed = Self.signer.sign(method: "GET", path: "/test.txt", query: [],
                                      headers: [Self.host, ("Range", "bytes=0-9")], payloadSHA256: Self.empty, date: Self.date)
        #expect(signed.canonicalRequest == """
        GET
        /test.txt

        host:examplebucket.s3.amazonaws.com
        range:bytes=0-9
        x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        x-amz-date:20130524T000000Z

        host;range;x-amz-content-sha256;x-amz-date
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
        """)
        #expect(signed.stringToSign.hasSuffix("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
        #expect(signed.header("Authorization") == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObjectWithDollarInKey() {
        let body = Data("Welcome to Amazon S3.".utf8)
        let payload = SHA256Hex.of(body)
        #expect(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let signed = Self.signer.sign(method: "PUT", path: "/test$file.text", query: [],
                                      headers: [Self.host, ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                                                ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
                                      payloadSHA256: payload, date: Self.date)
        #expect(signed.canonicalRequest.hasPrefix("PUT\n/test%24file.text\n\n"))
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
        #expect(signed.header("Authorization")?.contains("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,") == true)
    }

    @Test func getBucketLifecycle() {
        let signed = Self.signer.sign(method: "GET", path: "/", query: [("lifecycle", "")], headers: [Self.host],
                                      payloadSHA256: Self.empty, date: Self.date)
        #expect(signed.canonicalRequest.hasPrefix("GET\n/\nlifecycle=\n"))
        #expect(signed.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsSortsQuery() {
        let signed = Self.signer.sign(method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
                                      headers: [Self.host], payloadSHA256: Self.empty, date: Self.date)
        #expect(signed.canonicalRequest.hasPrefix("GET\n/\nmax-keys=2&prefix=J\n"))
        #expect(signed.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test(arguments: [
        ("a b", false, "a%20b"),
        ("a+b", false, "a%2Bb"),
        ("a~b", true, "a~b"),
        ("A-z_0.9~", true, "A-z_0.9~"),
        ("k=v&x", true, "k%3Dv%26x"),
        ("drops/é ü.html", false, "drops/%C3%A9%20%C3%BC.html"),
        ("a/b", true, "a%2Fb"),
        ("a/b", false, "a/b"),
        ("100%", false, "100%25"),
        ("emoji-🎟", false, "emoji-%F0%9F%8E%9F"),
        ("test$file.text", false, "test%24file.text"),
    ])
    func uriEncoding(input: String, encodeSlash: Bool, expected: String) {
        #expect(SigV4Signer.uriEncode(input, encodeSlash: encodeSlash) == expected)
    }

    @Test func queryEncodingAndOrder() {
        #expect(SigV4Signer.canonicalQuery([("prefix", "a b/c+d"), ("list-type", "2"), ("continuation-token", "x=y~")])
            == "continuation-token=x%3Dy~&list-type=2&prefix=a%20b%2Fc%2Bd")
    }

    @Test func sessionTokenIsSigned() {
        var signer = Self.signer
        signer.sessionToken = "token/with+chars"
        let signed = signer.sign(method: "GET", path: "/", query: [], headers: [Self.host], payloadSHA256: Self.empty, date: Self.date)
        #expect(signed.header("x-amz-security-token") == "token/with+chars")
        #expect(signed.header("Authorization")?.contains("x-amz-security-token") == true)
        #expect(signed.signature != Self.signer.sign(method: "GET", path: "/", query: [], headers: [Self.host],
                                                     payloadSHA256: Self.empty, date: Self.date).signature)
    }

    @Test func headerValuesAreTrimmed() {
        #expect(SigV4Signer.trimHeaderValue("  a   b  c ") == "a b c")
    }

    @Test func addressing() throws {
        let virtual = S3Target(bucket: "shop", prefix: "/site/", endpoint: URL(string: "https://acct.r2.cloudflarestorage.com")!,
                               region: "auto", pathStyle: false, accessKeyID: "a", secretAccessKey: "b")
        #expect(virtual.hostHeader == "shop.acct.r2.cloudflarestorage.com")
        #expect(virtual.objectPath("drops/a/index.html") == "/site/drops/a/index.html")
        #expect(virtual.bucketPath == "/")
        let path = S3Target(bucket: "site", endpoint: URL(string: "http://127.0.0.1:8333")!, region: "us-east-1",
                            pathStyle: true, accessKeyID: "a", secretAccessKey: "b")
        #expect(path.hostHeader == "127.0.0.1:8333")
        #expect(path.objectPath("a b.txt") == "/site/a b.txt")
        #expect(!path.displayName.contains("secret"))
    }

    @Test func credentialsFromEnvironment() throws {
        let env = ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t-value", "AWS_REGION": "eu-west-3",
                   "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:8333", "AWS_ENDPOINT_URL": "http://ignored:1"]
        let target = try S3Target.fromEnvironment(bucket: "b", prefix: "", endpoint: nil, region: nil, pathStyle: true,
                                                  environment: env)
        #expect(target.endpoint.absoluteString == "http://127.0.0.1:8333")
        #expect(target.signer.region == "eu-west-3")
        #expect(!target.displayName.contains("s3cr3t"))
        let aws = try S3Target.fromEnvironment(bucket: "b", prefix: "", endpoint: nil, region: "auto", pathStyle: false,
                                               environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
        #expect(aws.signer.region == "auto")
        #expect(aws.endpoint.absoluteString == "https://s3.us-east-1.amazonaws.com")
        #expect(throws: PublishError.self) {
            _ = try S3Target.fromEnvironment(bucket: "b", prefix: "", endpoint: nil, region: nil, pathStyle: true, environment: [:])
        }
    }
}
