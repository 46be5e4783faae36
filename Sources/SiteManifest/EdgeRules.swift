import Foundation

/// How the edge serves a file, decided from its path alone: its content type and cache class.
/// The build records them in the manifest, the preview server answers with them and every
/// publish target uploads with them, so all three agree.
public enum EdgeRules {
    public static let immutableCacheControl = "public, max-age=31536000, immutable"
    public static let defaultRevalidateCacheControl = "public, max-age=0, must-revalidate"
    /// The live stock files: a few seconds at the browser and the edge, then served stale while
    /// the edge fetches the next (`publish.live_cache_control`).
    public static let defaultLiveCacheControl = "public, max-age=5, s-maxage=5, stale-while-revalidate=30"
    /// Personal early-access pages: kept by no cache, the browser's included.
    public static let privateCacheControl = "private, no-store"
    /// The folder of the personal early-access pages, `access/<token>/index.html`.
    public static let privateFolder = "access/"

    /// `name.<hash>.ext` where hash is 8 to 64 lowercase hex characters.
    public static func isContentHashed(_ path: String) -> Bool {
        // On bytes: a build asks this of every output file.
        let name = fileName(path).utf8
        guard let lastDot = name.lastIndex(of: UInt8(ascii: ".")),
              let hashDot = name[..<lastDot].lastIndex(of: UInt8(ascii: ".")) else { return false }
        let hash = name[name.index(after: hashDot)..<lastDot]
        return (8...64).contains(hash.count) && hash.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The last path component.
    static func fileName(_ path: String) -> Substring {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path[...] }
        return path[path.utf8.index(after: slash)...]
    }

    public static func cacheClass(for path: String) -> CacheClass {
        if isPrivate(path) { return .private }
        if isContentHashed(path) { return .immutable }
        if isLiveFile(path) { return .live }
        if isRevalidated(path) { return .revalidate }
        return .mutable
    }

    public static func cacheControl(for cacheClass: CacheClass, revalidate: String = defaultRevalidateCacheControl,
                                    live: String = defaultLiveCacheControl) -> String {
        switch cacheClass {
        case .immutable: return immutableCacheControl
        case .revalidate, .mutable: return revalidate
        case .live: return live
        case .private: return privateCacheControl
        }
    }

    /// Headers besides Content-Type and Cache-Control that a file of this class gets, where the
    /// target can set them (the folder's `_headers`, `dropgen serve`; S3 keeps no such header).
    public static func extraHeaders(for cacheClass: CacheClass) -> [(name: String, value: String)] {
        cacheClass == .private ? [(name: "X-Robots-Tag", value: "noindex")] : []
    }

    /// Anything under `access/`: the personal early-access pages.
    public static func isPrivate(_ path: String) -> Bool {
        path.utf8.count > privateFolder.utf8.count && path.hasPrefix(privateFolder)
    }

    /// `live.json` and `live/<name>.json`: the files the live script polls.
    public static func isLiveFile(_ path: String) -> Bool {
        if path == "live.json" { return true }
        guard path.hasPrefix("live/"), path.hasSuffix(".json") else { return false }
        let name = path.utf8.dropFirst(5).dropLast(5)
        return !name.isEmpty && !name.contains(UInt8(ascii: "/"))
    }

    static func isRevalidated(_ path: String) -> Bool {
        let ext = fileExtension(path)
        return ["html", "xml", "json", "ics", "webmanifest"].contains(ext) || path.hasPrefix(".dropgen/")
    }

    static let types: [String: String] = [
        "html": "text/html; charset=utf-8",
        "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8",
        "json": "application/json; charset=utf-8",
        "xml": "application/xml; charset=utf-8",
        "txt": "text/plain; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "ics": "text/calendar; charset=utf-8",
        "webmanifest": "application/manifest+json; charset=utf-8",
        "svg": "image/svg+xml; charset=utf-8",
        "webp": "image/webp",
        "avif": "image/avif",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "ico": "image/x-icon",
        "woff2": "font/woff2",
        "woff": "font/woff",
        "mp4": "video/mp4",
        "webm": "video/webm",
        "pdf": "application/pdf",
    ]

    public static func contentType(for path: String) -> String {
        let name = fileName(path)
        if name == "_redirects" || name == "_headers" { return "text/plain; charset=utf-8" }
        if path.hasSuffix("feed.xml") { return "application/atom+xml; charset=utf-8" }
        return types[fileExtension(path)] ?? "application/octet-stream"
    }

    /// Text types are worth compressing; video and already-compressed images never are.
    public static func isCompressible(contentType: String) -> Bool {
        contentType.hasPrefix("text/") || contentType.contains("json") || contentType.contains("xml")
            || contentType.contains("javascript") || contentType.hasPrefix("image/svg")
    }

    /// The extension of the last path component, lowercased; "" when there is none.
    public static func fileExtension(_ path: String) -> String {
        let name = fileName(path)
        guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")), dot != name.startIndex else { return "" }
        let ext = name[name.utf8.index(after: dot)...]
        return ext.utf8.contains(where: { (0x41...0x5A).contains($0) }) ? ext.lowercased() : String(ext)
    }
}
