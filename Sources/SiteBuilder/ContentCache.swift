import Crypto
import Foundation
import MediaPipeline
#if canImport(Glibc)
import Glibc
#endif

/// Drop files parsed by earlier builds, keyed by a hash of their path and bytes: a rebuild parses
/// (YAML, Markdown, validation) only the files that changed. Kept in `.dropgen-cache/content.json`
/// beside the media cache; a missing, unreadable or foreign cache is simply empty.
///
/// Only drops that parsed without a problem are kept, so a cached entry never hides a diagnostic.
/// The state is not cached: it depends on the build clock and is computed again on every build.
///
/// A class: `dropgen serve` keeps one in memory across rebuilds; a build reads it from disk once
/// and writes it back when its entries changed.
public final class ContentCache: @unchecked Sendable {
    static let relativePath = ".dropgen-cache/content.json"
    /// Bumped whenever parsing or the cached shape changes, which empties every old cache.
    static let format = 1

    private let lock = NSLock()
    private var entries: [String: DropLoader.Loaded]
    /// Entries differ from what is on disk.
    private var changed = false

    public init() { entries = [:] }

    struct Stored: Codable {
        var format: Int
        var entries: [String: DropLoader.Loaded]
    }

    /// The site's cache on disk, or an empty one.
    public static func load(root: URL) -> ContentCache {
        let cache = ContentCache()
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(relativePath).path),
              let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.format == format else { return cache }
        cache.entries = stored.entries
        return cache
    }

    public var count: Int { lock.withLock { entries.count } }

    /// Drop files the last load had to parse (not in the cache, or with missing media).
    public var parsedByLastLoad: Int { lock.withLock { parsed } }
    private var parsed = 0

    /// Keeps exactly the entries of this build's drop files: deleted and edited files leave.
    func replace(with current: [String: DropLoader.Loaded], parsed: Int) {
        lock.withLock {
            self.parsed = parsed
            if Set(current.keys) != Set(entries.keys) {
                entries = current
                changed = true
            }
        }
    }

    /// Writes the cache, when it changed, through a temporary file: a crash never leaves half a cache.
    public func save(root: URL) throws {
        let (entries, changed) = lock.withLock { (self.entries, self.changed) }
        guard changed else { return }
        let url = root.appendingPathComponent(Self.relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let temporary = url.appendingPathExtension("tmp-\(ProcessInfo.processInfo.processIdentifier)")
        try encoder.encode(Stored(format: Self.format, entries: entries)).write(to: temporary)
        if rename(temporary.path, url.path) != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        lock.withLock { self.changed = false }
    }

    /// The cache key of a drop file: its site root and path (slugs and media paths derive from
    /// them) and its bytes.
    static func key(path: String, root: URL, data: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(format)\u{0}\(root.path)\u{0}\(path)\u{0}".utf8))
        hasher.update(data: data)
        return hexString(hasher.finalize())
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
