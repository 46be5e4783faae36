import AsyncHTTPClient
import Crypto
import Foundation
import SiteManifest
import NIOCore
import NIOHTTP1

/// An S3-compatible bucket (AWS S3, R2, B2, MinIO, SeaweedFS, Garage …), optionally under a key
/// prefix, addressed path-style or virtual-host style, signed with SigV4. Every request is
/// retried on throttling, server errors, timeouts and broken connections; an endpoint that
/// cannot be reached at all (connection refused, no such host) fails at once.
public struct S3Target: PublishTarget {
    public var bucket: String
    /// Without leading or trailing `/`; empty for the bucket root.
    public var prefix: String
    public var endpoint: URL
    public var pathStyle: Bool
    public var retry: RetryPolicy
    /// Per request, from connect to the last byte.
    public var requestTimeout: TimeInterval
    /// `max-keys` for each ListObjectsV2 page.
    public var pageSize: Int
    public let counters = RequestCounters()
    let signer: SigV4Signer
    let client: HTTPClient
    let clock: @Sendable () -> Date

    public init(bucket: String, prefix: String = "", endpoint: URL, region: String, pathStyle: Bool,
                accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil,
                retry: RetryPolicy = RetryPolicy(), requestTimeout: TimeInterval = 60, pageSize: Int = 1000,
                client: HTTPClient = S3Target.defaultClient, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.bucket = bucket
        self.prefix = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.endpoint = endpoint
        self.pathStyle = pathStyle
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.pageSize = pageSize
        self.signer = SigV4Signer(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey,
                                  sessionToken: sessionToken, region: region)
        self.client = client
        self.clock = clock
    }

    /// A target from the config plus the standard AWS environment variables:
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`
    /// (or `AWS_DEFAULT_REGION`), `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`.
    public static func fromEnvironment(bucket: String, prefix: String, endpoint: String?, region: String?,
                                       pathStyle: Bool, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> S3Target {
        func value(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        let missing = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].filter { value($0) == nil }
        if !missing.isEmpty { throw PublishError.missingCredentials(missing) }
        let region = region ?? value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? "us-east-1"
        let awsRegion = region == "auto" ? "us-east-1" : region
        let endpointText = endpoint ?? value("AWS_ENDPOINT_URL_S3") ?? value("AWS_ENDPOINT_URL")
            ?? "https://s3.\(awsRegion).amazonaws.com"
        guard let url = URL(string: endpointText), let scheme = url.scheme, ["http", "https"].contains(scheme),
              url.host != nil else {
            throw PublishError.invalidTarget("invalid S3 endpoint '\(endpointText)': expected http(s)://host[:port]")
        }
        return S3Target(bucket: bucket, prefix: prefix, endpoint: url, region: region, pathStyle: pathStyle,
                        accessKeyID: value("AWS_ACCESS_KEY_ID")!, secretAccessKey: value("AWS_SECRET_ACCESS_KEY")!,
                        sessionToken: value("AWS_SESSION_TOKEN"))
    }

    /// The client every S3 target uses unless given another. AsyncHTTPClient's shared one
    /// keeps trying to open a connection that is refused until the request's deadline (a minute
    /// per attempt, six minutes in all, silently); this one fails the request as soon as a
    /// connection cannot be made, and gives up connecting after 10 seconds. One pool of kept-alive
    /// HTTP/1.1 connections per host, opened as requests need them, as many as the widest
    /// `publish.workers` allows (64): a publish keeps `workers` of them busy.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public var displayName: String {
        "s3://\(bucket)\(prefix.isEmpty ? "" : "/" + prefix) at \(endpoint.absoluteString)"
    }

    // MARK: - Operations

    public func list(prefix listPrefix: String) async throws -> [RemoteObject] {
        let fullPrefix = objectKey(listPrefix)
        var token: String?
        var objects: [RemoteObject] = []
        repeat {
            var query = [("list-type", "2"), ("prefix", fullPrefix), ("max-keys", String(pageSize))]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("GET", path: bucketPath, query: query, key: fullPrefix, operation: "LIST")
            guard response.status == 200 else { throw failure(response, operation: "LIST", key: fullPrefix) }
            let page = try ListBucketResult.parse(response.body)
            for item in page.contents {
                guard item.key.hasPrefix(self.prefix.isEmpty ? "" : self.prefix + "/") || self.prefix.isEmpty else { continue }
                let relative = self.prefix.isEmpty ? item.key : String(item.key.dropFirst(self.prefix.count + 1))
                objects.append(RemoteObject(key: relative, size: item.size, etag: item.etag, lastModified: item.lastModified))
            }
            token = page.isTruncated ? page.nextContinuationToken : nil
            if page.isTruncated && token == nil {
                throw PublishError.request(target: displayName, operation: "LIST", key: fullPrefix, status: 200,
                                           code: nil, message: "truncated listing without a continuation token")
            }
        } while token != nil
        return objects.sorted { $0.key < $1.key }
    }

    public func head(_ key: String) async throws -> RemoteObject? {
        let response = try await send("HEAD", path: objectPath(key), key: key, operation: "HEAD")
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw failure(response, operation: "HEAD", key: key) }
        let h = response.headers
        return RemoteObject(key: key, size: Int(h.first(name: "content-length") ?? "") ?? 0,
                            etag: h.first(name: "etag").map(Self.unquote),
                            lastModified: h.first(name: "last-modified").flatMap(HTTPDate.parse),
                            contentType: h.first(name: "content-type"), cacheControl: h.first(name: "cache-control"),
                            sha256: h.first(name: "x-amz-meta-sha256"))
    }

    public func get(_ key: String) async throws -> Data? {
        let response = try await send("GET", path: objectPath(key), key: key, operation: "GET")
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw failure(response, operation: "GET", key: key) }
        return response.body
    }

    public func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool) async throws -> PutResult {
        let digests = BodyDigests(sha256: SHA256.hash(data: body).hex, md5: Array(Insecure.MD5.hash(data: body)))
        return try await put(key, body: body, headers: headers, createOnly: createOnly, digests: digests).result
    }

    /// `Content-MD5` makes the store refuse a body that arrived other than sent (400 BadDigest),
    /// and the signed `x-amz-content-sha256` is the body's own hash; the answer's ETag is what
    /// the store holds.
    public func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool, digests: BodyDigests) async throws
        -> PutOutcome {
        var extra = [
            ("content-type", headers.contentType),
            ("cache-control", headers.cacheControl),
            ("content-md5", Data(digests.md5).base64EncodedString()),
            ("x-amz-meta-sha256", headers.sha256),
        ]
        if createOnly { extra.append(("if-none-match", "*")) }
        let response = try await send("PUT", path: objectPath(key), headers: extra, body: body, payloadSHA256: digests.sha256,
                                      key: key, operation: "PUT")
        if createOnly && (response.status == 412 || (response.status == 409 && response.errorCode == "ConditionalRequestConflict")) {
            return PutOutcome(result: .alreadyExists)
        }
        guard response.status == 200 else { throw failure(response, operation: "PUT", key: key) }
        return PutOutcome(result: .created, etag: response.headers.first(name: "etag").map(Self.unquote))
    }

    public func copy(from source: String, to key: String, headers: ObjectHeaders) async throws {
        let sourcePath = "/\(bucket)/\(objectKey(source))"
        let extra = [
            ("x-amz-copy-source", SigV4Signer.uriEncode(sourcePath, encodeSlash: false)),
            ("x-amz-metadata-directive", "REPLACE"),
            ("content-type", headers.contentType),
            ("cache-control", headers.cacheControl),
            ("x-amz-meta-sha256", headers.sha256),
        ]
        let response = try await send("PUT", path: objectPath(key), headers: extra, key: key, operation: "COPY")
        // S3 may answer 200 and still report an error in the body.
        guard response.status == 200, !response.bodyText.contains("<Error>") else {
            throw failure(response, operation: "COPY", key: key)
        }
    }

    public func delete(_ key: String) async throws {
        let response = try await send("DELETE", path: objectPath(key), key: key, operation: "DELETE")
        guard response.status == 204 || response.status == 200 || response.status == 404 else {
            throw failure(response, operation: "DELETE", key: key)
        }
    }

    // MARK: - Addressing

    func objectKey(_ key: String) -> String {
        prefix.isEmpty ? key : prefix + "/" + key
    }

    var bucketPath: String { pathStyle ? "/\(bucket)" : "/" }

    func objectPath(_ key: String) -> String {
        pathStyle ? "/\(bucket)/\(objectKey(key))" : "/\(objectKey(key))"
    }

    var hostHeader: String {
        let host = endpoint.host ?? ""
        let name = pathStyle ? host : "\(bucket).\(host)"
        if let port = endpoint.port, !(endpoint.scheme == "http" && port == 80), !(endpoint.scheme == "https" && port == 443) {
            return "\(name):\(port)"
        }
        return name
    }

    static func unquote(_ etag: String) -> String {
        etag.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
}

// MARK: - Requests, retries, errors

struct S3Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data

    var bodyText: String { String(decoding: body, as: UTF8.self) }
    var errorCode: String? { S3ErrorBody.parse(body)?.code }
}

/// A failure that another attempt may cure.
struct TransientFailure: Error {
    var description: String
    var retryAfter: TimeInterval?
}

extension S3Target {
    /// `payloadSHA256`: the body's hash when the caller has it already (nil: hashed here).
    func send(_ method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
              body: Data? = nil, payloadSHA256: String? = nil, key: String, operation: String) async throws -> S3Response {
        let payloadHash = payloadSHA256 ?? SHA256.hash(data: body ?? Data()).hex
        var attempt = 0
        while true {
            attempt += 1
            counters.countRequest()
            do {
                let response = try await sendOnce(method, path: path, query: query, headers: headers, body: body,
                                                  payloadSHA256: payloadHash)
                if RetryPolicy.isRetryable(status: response.status, code: response.errorCode) {
                    throw TransientFailure(description: "HTTP \(response.status)\(response.errorCode.map { " \($0)" } ?? "")",
                                           retryAfter: RetryPolicy.parseRetryAfter(response.headers.first(name: "retry-after")))
                }
                return response
            } catch let failure as TransientFailure {
                try await backOff(attempt: attempt, failure: failure, key: key, operation: operation)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                // A dead endpoint does not come back within a publish: say so now.
                if case .unreachable(let reason) = RetryPolicy.classify(error) {
                    throw PublishError.unreachable(target: displayName, operation: operation, key: key, reason: reason)
                }
                // Connection reset or closed, timeouts, TLS hiccups: the request may or may not
                // have landed; every operation here is safe to repeat.
                try await backOff(attempt: attempt, failure: TransientFailure(description: "\(error)", retryAfter: nil),
                                  key: key, operation: operation)
            }
        }
    }

    func backOff(attempt: Int, failure: TransientFailure, key: String, operation: String) async throws {
        guard attempt < retry.maxAttempts else {
            throw PublishError.retriesExhausted(target: displayName, operation: operation, key: key,
                                                attempts: attempt, lastError: failure.description)
        }
        counters.countRetry()
        let seconds = retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }

    func sendOnce(_ method: String, path: String, query: [(String, String)], headers: [(String, String)],
                  body: Data?, payloadSHA256 payloadHash: String) async throws -> S3Response {
        var all = headers
        all.append(("host", hostHeader))
        let signed = signer.sign(method: method, path: path, query: query, headers: all,
                                 payloadSHA256: payloadHash, date: clock())
        var url = "\(endpoint.scheme ?? "https")://\(hostHeader)\(SigV4Signer.encodePath(path))"
        let queryString = SigV4Signer.canonicalQuery(query)
        if !queryString.isEmpty { url += "?" + queryString }
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in signed.headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = .bytes(body)
        } else if method == "PUT" || method == "POST" {
            request.headers.add(name: "content-length", value: "0")
        }
        let response = try await client.execute(request, timeout: .milliseconds(Int64(requestTimeout * 1000)))
        var buffer = try await response.body.collect(upTo: 256 * 1024 * 1024)
        let data = buffer.readBytes(length: buffer.readableBytes).map { Data($0) } ?? Data()
        return S3Response(status: Int(response.status.code), headers: response.headers, body: data)
    }

    func failure(_ response: S3Response, operation: String, key: String) -> PublishError {
        let parsed = S3ErrorBody.parse(response.body)
        let code = parsed?.code
        let authCodes = ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken",
                         "AuthorizationHeaderMalformed", "RequestTimeTooSkewed", "InvalidSecurity", "TokenRefreshRequired"]
        if response.status == 401 || (response.status == 403 && (code == nil || authCodes.contains(code!))) {
            return .authentication(target: displayName, code: code ?? "HTTP \(response.status)",
                                   message: parsed?.message ?? "the store refused the request (\(operation) '\(key)')")
        }
        return .request(target: displayName, operation: operation, key: key, status: response.status,
                        code: code, message: parsed?.message ?? "")
    }
}
