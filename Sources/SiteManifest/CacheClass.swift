/// How the edge should cache a file. One source of truth for the build, the preview server and
/// every publish target.
public enum CacheClass: String, Codable, Sendable, CaseIterable {
    /// Content-hashed asset: cached forever, uploaded create-only.
    case immutable
    /// HTML, feeds, sitemap, catalog, manifests: revalidated on every request.
    case revalidate
    /// Other files with stable names (robots.txt, favicon, _redirects): revalidated too, but
    /// uploaded before HTML because pages may reference them.
    case mutable
    /// The live stock files (`live.json`, `live/<slug>.json`): cached for seconds only
    /// (`publish.live_cache_control`), so pages that poll them follow a sale between builds.
    case live
    /// Personal early-access pages (`access/<token>/…`): `private, no-store` and never indexed
    /// (`X-Robots-Tag: noindex` where the target sets headers), so no shared cache keeps a
    /// holder's page. The publisher deletes one as soon as a publish no longer has it.
    case `private`
}
