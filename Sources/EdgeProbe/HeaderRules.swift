import Foundation
import SiteManifest

/// The Cache-Control each probed object should carry, from `EdgeRules` as the build, `serve` and
/// every publish target apply them: content-hashed assets immutable, HTML revalidated.
public struct HeaderRules: Sendable, Equatable {
    public var htmlCacheControl: String
    public var liveCacheControl: String

    public init(htmlCacheControl: String = EdgeRules.defaultRevalidateCacheControl,
                liveCacheControl: String = EdgeRules.defaultLiveCacheControl) {
        self.htmlCacheControl = htmlCacheControl
        self.liveCacheControl = liveCacheControl
    }

    /// The cache class and Cache-Control of a URL path (`/` and `/x/` are their `index.html`).
    public func expected(forPath urlPath: String) -> (CacheClass, String) {
        var path = String(urlPath.drop { $0 == "/" })
        if path.isEmpty || path.hasSuffix("/") { path += "index.html" }
        let cacheClass = EdgeRules.cacheClass(for: path)
        return (cacheClass, EdgeRules.cacheControl(for: cacheClass, revalidate: htmlCacheControl, live: liveCacheControl))
    }

    /// nil when `actual` says what `expected` says (directives compared as a set, case and
    /// spacing aside), else what is wrong.
    public func problem(path: String, cacheControl actual: String?) -> String? {
        let (cacheClass, expected) = expected(forPath: path)
        let why = cacheClass == .immutable ? "a content-hashed asset" : cacheClass == .live ? "a live file" : "revalidated"
        guard let actual else { return "\(path): no Cache-Control; expected \"\(expected)\" (\(why))" }
        if Self.directives(actual) == Self.directives(expected) { return nil }
        return "\(path): Cache-Control \"\(actual)\"; expected \"\(expected)\" (\(why))"
    }

    static func directives(_ value: String) -> Set<String> {
        Set(value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
    }
}
