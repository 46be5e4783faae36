import Crypto
import Foundation
import SiteManifest

/// What one deploy put live: every file with its hash and headers. Stored at
/// `.dropgen/deploys/<id>.json`; the non-hashed files' bytes are also kept under
/// `.dropgen/objects/<sha256>` so a rollback is a set of server-side copies.
public struct DeployRecord: Codable, Sendable, Equatable {
    public static let recordsFolder = ".dropgen/deploys/"
    /// Records of deploys under way, written before their first upload: an interrupted deploy's
    /// objects stay named by a record of ours, so a later prune may remove them.
    public static let pendingFolder = ".dropgen/pending/"
    public static let objectsFolder = ".dropgen/objects/"
    public static let reservedPrefix = ".dropgen/"
    /// More files than any site has: a record naming more is not one of ours.
    static let maxFiles = 2_000_000

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var size: Int
        public var contentType: String
        public var cacheControl: String
        public var hashed: Bool

        public init(path: String, sha256: String, size: Int, contentType: String, cacheControl: String, hashed: Bool) {
            self.path = path
            self.sha256 = sha256
            self.size = size
            self.contentType = contentType
            self.cacheControl = cacheControl
            self.hashed = hashed
        }

        var headers: ObjectHeaders { ObjectHeaders(contentType: contentType, cacheControl: cacheControl, sha256: sha256) }
        /// Where a copy of a non-hashed file's bytes lives; hashed files are their own copy. A
        /// personal page (`EdgeRules.isPrivate`) has none: once a publish drops it, no copy of
        /// it is left to restore, and a rollback never brings back a revoked or ended link.
        var objectKey: String? { hashed || isPrivate ? nil : DeployRecord.objectsFolder + sha256 }
        /// A personal early-access page: deleted as soon as a publish no longer has it.
        var isPrivate: Bool { EdgeRules.isPrivate(path) }

        /// The path as a record stores it. A personal page's path holds its holder's token, and
        /// records sit on the target beside what it serves: a record names such a page only by
        /// the SHA-256 of its path (`access/#<hex>`, never a real key: `#` starts a fragment),
        /// from which no token can be had. Its real key is found again by listing `access/`.
        static func recordedPath(_ path: String) -> String {
            guard EdgeRules.isPrivate(path), !isSealed(path) else { return path }
            return EdgeRules.privateFolder + "#" + SHA256.hash(data: Data(path.utf8)).hex
        }

        static func isSealed(_ path: String) -> Bool { path.hasPrefix(EdgeRules.privateFolder + "#") }

        /// This file as a record stores it (see `recordedPath`).
        var recorded: File {
            var file = self
            file.path = Self.recordedPath(path)
            return file
        }

        enum CodingKeys: String, CodingKey {
            case path, sha256, size, hashed
            case contentType = "content_type"
            case cacheControl = "cache_control"
        }
    }

    public var version: Int
    public var id: String
    /// RFC 3339, UTC.
    public var createdAt: String
    /// SHA-256 of the build manifest this deploy came from.
    public var manifestSHA256: String
    public var files: [File]

    public init(id: String, createdAt: String, manifestSHA256: String, files: [File]) {
        self.version = 1
        self.id = id
        self.createdAt = createdAt
        self.manifestSHA256 = manifestSHA256
        self.files = files.sorted { $0.path < $1.path }
    }

    enum CodingKeys: String, CodingKey {
        case version, id, files
        case createdAt = "created_at"
        case manifestSHA256 = "manifest_sha256"
    }

    public var key: String { Self.key(for: id) }
    public static func key(for id: String) -> String { recordsFolder + id + ".json" }
    /// Where the record of this deploy is kept while it is under way.
    public var pendingKey: String { Self.pendingFolder + id + ".json" }

    /// Whether `key` is a deploy record (live or pending), by its place.
    static func isRecordKey(_ key: String) -> Bool {
        (key.hasPrefix(recordsFolder) || key.hasPrefix(pendingFolder)) && key.hasSuffix(".json")
    }

    public var totalBytes: Int { files.reduce(0) { $0 + $1.size } }

    /// Every key this deploy needs on the target.
    public var referencedKeys: Set<String> {
        var keys: Set<String> = [key]
        for file in files {
            keys.insert(file.path)
            if let objectKey = file.objectKey { keys.insert(objectKey) }
        }
        return keys
    }

    public func encoded() throws -> Data {
        try JSONCoding.encode(self)
    }

    /// Reads a record back from a target. A record is data, not instructions: one that names a
    /// path in the publisher's own namespace, a malformed hash, or another id than its key is
    /// refused, so neither a publish nor a rollback ever acts on it.
    public static func decode(_ data: Data, key: String) throws -> DeployRecord {
        let record: DeployRecord
        do {
            record = try JSONDecoder().decode(DeployRecord.self, from: data)
        } catch {
            throw PublishError.recordInvalid(key: key, cause: "\(error)")
        }
        try record.validate(key: key)
        return record
    }

    func validate(key: String) throws {
        func refuse(_ cause: String) -> PublishError { .recordInvalid(key: key, cause: cause) }
        guard Self.isValidID(id), key == Self.key(for: id) || key == pendingKey else {
            throw refuse("its id '\(id)' does not match its name")
        }
        guard Self.isHex(manifestSHA256), id.hasSuffix("-" + manifestSHA256.prefix(8)) else {
            throw refuse("manifest_sha256 '\(manifestSHA256)' is not the hash its id names")
        }
        guard files.count <= Self.maxFiles else { throw refuse("\(files.count) files, more than \(Self.maxFiles)") }
        var seen: Set<String> = []
        // `totalBytes` must add up without a trap (two sizes of Int.max did; found by fuzzing).
        var total = 0
        for file in files {
            if let problem = ObjectKey.problem(file.path) { throw refuse("path '\(file.path)': \(problem)") }
            if file.path.hasPrefix(Self.reservedPrefix) {
                throw refuse("path '\(file.path)' is in the publisher's own namespace (\(Self.reservedPrefix))")
            }
            guard Self.isHex(file.sha256) else { throw refuse("path '\(file.path)': sha256 '\(file.sha256)' is not 64 hex digits") }
            guard file.size >= 0 else { throw refuse("path '\(file.path)': negative size") }
            let (sum, overflow) = total.addingReportingOverflow(file.size)
            guard !overflow else { throw refuse("path '\(file.path)': the sizes add up to more than \(Int.max) bytes") }
            total = sum
            guard seen.insert(file.path).inserted else { throw refuse("path '\(file.path)' is listed twice") }
        }
    }

    /// `20261129T013000Z-0123abcd`: what `makeID` writes.
    static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count == 25, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z"),
              bytes[16] == UInt8(ascii: "-") else { return false }
        let digits = bytes[0..<8] + bytes[9..<15]
        return digits.allSatisfy { $0 >= 48 && $0 <= 57 } && isHex(String(decoding: bytes[17...], as: UTF8.self), count: 8)
    }

    static func isHex(_ text: String, count: Int = 64) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// `20261129T013000Z-<first 8 hex of the manifest sha256>`: sorts by time.
    public static func makeID(now: Date, manifestSHA256: String) -> String {
        "\(SigV4Signer.amzDate(now))-\(manifestSHA256.prefix(8))"
    }
}

/// `.dropgen/live.json`: which deploy is live, and which were live before it (newest first).
public struct LivePointer: Codable, Sendable, Equatable {
    public static let key = ".dropgen/live.json"
    public static let historyLimit = 100

    public var id: String
    public var history: [String]
    public var updatedAt: String
    /// RFC 3339, UTC: when a publish last listed the whole target and pruned it. Until
    /// `publish.prune_interval` has passed, a publish onto a target with no deploy under way
    /// reads only this pointer and the live record (nil: list and prune on the next publish).
    public var prunedAt: String?

    public init(id: String, history: [String], updatedAt: String, prunedAt: String? = nil) {
        self.id = id
        self.history = Array(history.filter { $0 != id }.prefix(Self.historyLimit))
        self.updatedAt = updatedAt
        self.prunedAt = prunedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, history
        case updatedAt = "updated_at"
        case prunedAt = "pruned_at"
    }

    /// The pointer after `newID` goes live.
    public func moving(to newID: String, at date: Date) -> LivePointer {
        LivePointer(id: newID, history: [id] + history, updatedAt: RFC3339.format(date), prunedAt: prunedAt)
    }

    /// The live deploy and the ones live before it, at most `retain` in all.
    public func retainedIDs(retain: Int) -> [String] {
        Array(([id] + history).prefix(max(1, retain)))
    }

    public func encoded() throws -> Data { try JSONCoding.encode(self) }

    public static func decode(_ data: Data) throws -> LivePointer {
        let pointer: LivePointer
        do {
            pointer = try JSONDecoder().decode(LivePointer.self, from: data)
        } catch {
            throw PublishError.recordInvalid(key: key, cause: "\(error)")
        }
        // Its ids become keys of records to read and copy from: only ids of the form we write.
        if let bad = ([pointer.id] + pointer.history).first(where: { !DeployRecord.isValidID($0) }) {
            throw PublishError.recordInvalid(key: key, cause: "names '\(bad)', which is not a deploy id")
        }
        if pointer.history.count > historyLimit {
            throw PublishError.recordInvalid(key: key, cause: "\(pointer.history.count) ids of history, more than \(historyLimit)")
        }
        if let prunedAt = pointer.prunedAt, RFC3339.parse(prunedAt) == nil {
            throw PublishError.recordInvalid(key: key, cause: "pruned_at '\(prunedAt.prefix(40))' is not an RFC 3339 time")
        }
        return pointer
    }
}

enum JSONCoding {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }
}
