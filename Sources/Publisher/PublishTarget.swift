import Foundation
import SiteManifest

/// Headers an object carries at the edge, plus the SHA-256 of its bytes kept as metadata so a
/// HEAD can tell what an object holds without reading it.
public struct ObjectHeaders: Sendable, Equatable, Codable {
    public var contentType: String
    public var cacheControl: String
    public var sha256: String

    public init(contentType: String, cacheControl: String, sha256: String) {
        self.contentType = contentType
        self.cacheControl = cacheControl
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case sha256
        case contentType = "content_type"
        case cacheControl = "cache_control"
    }
}

/// What a target says about one object. `list` fills key, size, ETag and time; `head` adds the
/// headers and the SHA-256 metadata.
public struct RemoteObject: Sendable, Equatable {
    public var key: String
    public var size: Int
    /// Without quotes. For S3 single-part uploads: the hex MD5 of the bytes.
    public var etag: String?
    public var lastModified: Date?
    public var contentType: String?
    public var cacheControl: String?
    public var sha256: String?

    public init(key: String, size: Int, etag: String? = nil, lastModified: Date? = nil,
                contentType: String? = nil, cacheControl: String? = nil, sha256: String? = nil) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
        self.cacheControl = cacheControl
        self.sha256 = sha256
    }
}

public enum PutResult: Sendable, Equatable {
    case created
    /// Create-only upload found the key taken (HTTP 412); the caller decides if that is fine.
    case alreadyExists
}

/// Digests of a body about to be stored, computed once by the publisher from the bytes it read.
public struct BodyDigests: Sendable, Equatable {
    /// Lower-case hex SHA-256: SigV4's payload hash and the `sha256` metadata.
    public var sha256: String
    /// The 16 bytes of its MD5: `Content-MD5`, and what a single-part S3 ETag must equal.
    public var md5: [UInt8]

    public init(sha256: String, md5: [UInt8]) {
        self.sha256 = sha256
        self.md5 = md5
    }

    public var md5Hex: String { md5.hex }
}

/// What a store answered to a PUT.
public struct PutOutcome: Sendable, Equatable {
    public var result: PutResult
    /// The ETag the store answered with, without quotes (nil: the target tells none).
    public var etag: String?

    public init(result: PutResult, etag: String? = nil) {
        self.result = result
        self.etag = etag
    }
}

/// Where a site is published. Keys are `/`-separated, relative to the target's root (a target
/// with a prefix applies it itself). A new provider is one type conforming to this.
public protocol PublishTarget: Sendable {
    /// For messages: never contains credentials.
    var displayName: String { get }
    /// Requests made and retried so far.
    var counters: RequestCounters { get }
    /// Every object whose key starts with `prefix`, sorted by key.
    func list(prefix: String) async throws -> [RemoteObject]
    func head(_ key: String) async throws -> RemoteObject?
    func get(_ key: String) async throws -> Data?
    /// Stores `body` at `key`. With `createOnly`, an existing object is left alone and
    /// `.alreadyExists` is returned.
    func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool) async throws -> PutResult
    /// The same, given the body's digests (`digests` must be those of `body`), answering what
    /// the store said: a target that sends `Content-MD5` and reads back the ETag lets the
    /// publisher verify an upload from its response instead of asking again.
    func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool, digests: BodyDigests) async throws
        -> PutOutcome
    /// Server-side copy, replacing the headers.
    func copy(from source: String, to key: String, headers: ObjectHeaders) async throws
    func delete(_ key: String) async throws
    /// Called before anything is read (`forWriting` false) or changed (true): a target that can
    /// tell refuses a place that is not dropgen's to write.
    func open(forWriting: Bool) async throws
    /// Called after the live pointer moved (the local folder writes its `_headers` file).
    func didChangeLive() async throws
}

extension PublishTarget {
    public func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool, digests: BodyDigests) async throws
        -> PutOutcome {
        PutOutcome(result: try await put(key, body: body, headers: headers, createOnly: createOnly))
    }

    public func open(forWriting: Bool) async throws {}
    public func didChangeLive() async throws {}
}

/// Thread-safe counters shared by a target and whoever reports on it.
public final class RequestCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var _requests = 0
    private var _retries = 0

    public init() {}

    public var requests: Int { lock.withLock { _requests } }
    public var retries: Int { lock.withLock { _retries } }

    func countRequest() { lock.withLock { _requests += 1 } }
    func countRetry() { lock.withLock { _retries += 1 } }
}
