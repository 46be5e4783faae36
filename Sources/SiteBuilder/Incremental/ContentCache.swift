import Crypto
import Foundation
import MediaPipeline
import SiteManifest
#if canImport(Glibc)
import Glibc
#endif

/// Drop files parsed by earlier builds, keyed by a hash of their path and bytes: a rebuild parses
/// (YAML, Markdown, validation) only the files that changed. Kept in `.dropgen-cache/content/`
/// beside the media cache, in 16 shards by the key's first digit, so loading decodes in parallel
/// and an edit rewrites one shard; a missing, unreadable or foreign shard is simply empty.
///
/// Only drops that parsed without a problem are kept, so a cached entry never hides a diagnostic.
/// The state is not cached: it depends on the build clock and is computed again on every build.
///
/// A class: `dropgen serve` keeps one in memory across rebuilds; a build reads it from disk once
/// and writes back the shards whose entries changed.
public final class ContentCache: @unchecked Sendable {
    static let folder = ".dropgen-cache/content"
    /// Bumped whenever parsing or the cached shape changes, which empties every old cache.
    static let format = 8
    static let shardNames = "0123456789abcdef".map(String.init)

    private let lock = NSLock()
    private var entries: [String: DropLoader.Loaded]
    /// Shards whose entries differ from what is on disk.
    private var changedShards: Set<String> = []
    private var parsed = 0

    public init() { entries = [:] }

    /// The site's cache on disk, or an empty one.
    public static func load(root: URL) async -> ContentCache {
        let cache = ContentCache()
        let shards = await concurrentMap(shardNames) { name -> [String: DropLoader.Loaded] in
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent("\(folder)/\(name).shard").path)
            else { return [:] }
            return decodeShard(data) ?? [:]
        }
        for shard in shards { cache.entries.merge(shard) { first, _ in first } }
        return cache
    }

    public var count: Int { lock.withLock { entries.count } }

    /// Set by a session: a file whose size and modification time are what they were when it was
    /// last read is taken to hold the same bytes and is not read again.
    var trustsFileTimes: Bool {
        get { lock.withLock { trustsTimes } }
        set { lock.withLock { trustsTimes = newValue } }
    }
    private var trustsTimes = false
    private var seen: [String: (stamp: FileStamps.Stamp, key: String)] = [:]

    /// The key of a file read before with this size and time, when file times are trusted.
    func knownKey(path: String, stamp: FileStamps.Stamp) -> String? {
        lock.withLock {
            guard trustsTimes, let file = seen[path], file.stamp == stamp else { return nil }
            return file.key
        }
    }

    func saw(path: String, stamp: FileStamps.Stamp, key: String) {
        lock.withLock { if trustsTimes { seen[path] = (stamp, key) } }
    }

    /// Drop files the last load had to parse (not in the cache, or with missing media).
    public var parsedByLastLoad: Int { lock.withLock { parsed } }

    /// Keeps exactly the entries of this build's drop files: deleted and edited files leave.
    func replace(with current: [String: DropLoader.Loaded], parsed: Int) {
        lock.withLock {
            self.parsed = parsed
            let old = Set(entries.keys), new = Set(current.keys)
            changedShards.formUnion(old.symmetricDifference(new).map { String($0.prefix(1)) })
            entries = current
        }
    }

    /// Writes the shards that changed, each through a temporary file: a crash never leaves half a shard.
    public func save(root: URL) async throws {
        let (entries, changed) = lock.withLock { (self.entries, self.changedShards) }
        guard !changed.isEmpty else { return }
        let directory = root.appendingPathComponent(Self.folder)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var shards: [String: [String: DropLoader.Loaded]] = [:]
        for (key, entry) in entries where changed.contains(String(key.prefix(1))) { shards[String(key.prefix(1)), default: [:]][key] = entry }
        let written = await concurrentMap(changed.sorted()) { [shards] name -> Result<Void, Error> in
            Result {
                let url = directory.appendingPathComponent("\(name).shard")
                let temporary = url.appendingPathExtension("tmp-\(ProcessInfo.processInfo.processIdentifier)")
                // Not `Data.write(to:)`, which syncs each file to the disk and held up one of the
                // two cores of a cold build for 0.15 s: a shard lost in a crash is parsed again.
                try OutputWriter.writeFile(Self.encodeShard(shards[name] ?? [:]), to: temporary.path)
                if rename(temporary.path, url.path) != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
                unlink(directory.appendingPathComponent("\(name).json").path)  // format 3 and before
            }
        }
        for result in written { try result.get() }
        lock.withLock { changedShards.subtract(changed) }
    }
    /// The cache key of a drop file: its site root and path (slugs and media paths derive from
    /// them) and its bytes.
    /// `digest` is the sha256 of the bytes, which the build's input stamps record too: each
    /// file is hashed once.
    static func key(path: String, rootPath: String, digest: String) -> String {
        SHA256.hash(data: Data("\(format)\u{0}\(rootPath)\u{0}\(path)\u{0}\(digest)".utf8)).hex
    }

    /// The sha256 of each drop file read by the last load, by path.
    var fileDigests: [String: String] { lock.withLock { digests } }
    private var digests: [String: String] = [:]

    func read(path: String, digest: String) {
        lock.withLock { digests[path] = digest }
    }

    /// A cached parse, usable only while the media it references still exists: a deleted image
    /// must be reported by a real parse, with its line.
    func reusable(_ key: String) -> DropLoader.Loaded? {
        guard let loaded = lock.withLock({ entries[key] }) else { return nil }
        let manager = FileManager.default
        let media = [loaded.hero?.video].compactMap { $0 } + loaded.images.map(\.request.image)
        return media.allSatisfy { manager.fileExists(atPath: $0.path) } ? loaded : nil
    }
}
