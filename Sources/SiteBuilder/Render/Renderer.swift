import Foundation
import SiteSource

/// Site + templates → OutputTree. Pure: reads nothing from disk beyond the Site it is given.
public enum Renderer {
    public struct Rendered: Sendable {
        /// Every output except the pages carried over from the previous build.
        public var tree: OutputTree
        public var pages: Int
        public var pagesRendered: Int
        /// Each page's fingerprint: the hash of its template set, asset map and template value.
        public var fingerprints: PageFingerprints
        /// Pages and other outputs whose fingerprint matched the previous build's: not made
        /// again, their previous file stands.
        public var reused: Set<String>
        /// What rendered the pages, over this build's site: a session keeps it to preview edits.
        let renderer: PageRenderer
    }

    /// Renders every page whose fingerprint differs from `previous` (all of them when it is
    /// empty); the others are listed in `reused`.
    /// `catalogEntries`, when given, keeps encoded catalog entries across builds (a session's),
    /// keyed by the site-wide digest and the drop's inputs.
    /// With a `sink`, each output goes to it as soon as it is made, and `tree` keeps only the
    /// static files.
    static func render(_ site: Site, previous: PageFingerprints = PageFingerprints(),
                       catalogEntries: Memo<String, JSONValue>? = nil, sink: (any OutputSink)? = nil,
                       progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws(BuildFailed) -> Rendered {
        let pass = try RenderPass(site, previous: previous, catalogEntries: catalogEntries ?? Memo(), sink: sink)
        // Aliases may claim only paths no other output uses: checked before anything is written.
        let collisions = pass.aliasCollisions()
        if !collisions.isEmpty { throw BuildFailed(collisions) }
        let outcomes = await pass.run(progress: progress)
        return try pass.collect(outcomes)
    }
}
