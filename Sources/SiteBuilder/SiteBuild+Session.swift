import Foundation
import Publisher

extension SiteBuild {
    /// What `dropgen serve` keeps between its rebuilds of one output folder, so an edit costs
    /// work in proportion to what it changed: parsed drops (and the size and time of each file,
    /// so unchanged files are not even read), and the previous build's manifest and page
    /// fingerprints, in memory instead of decoded from disk. The folder is the session's own:
    /// nothing else writes to it, so its files are trusted to be as the session left them.
    public final class Session: @unchecked Sendable {
        public let contentCache: ContentCache
        /// Encoded catalog entries by site-wide digest and drop inputs: an edit re-encodes one.
        let catalogEntries = Memo<String, JSONValue>()
        private let lock = NSLock()
        private var last: OutputWriter.PreviousBuild?

        public init(contentCache: ContentCache) {
            self.contentCache = contentCache
            contentCache.trustsFileTimes = true
        }

        /// Manifest entries of the last successful build, by path.
        public var manifest: [String: BuildManifest.Entry]? { lock.withLock { last?.entries } }

        func previous(for output: URL) -> OutputWriter.PreviousBuild? {
            lock.withLock { last?.folder == output ? last : nil }
        }

        func remember(_ build: OutputWriter.PreviousBuild) {
            lock.withLock { last = build }
        }
    }
}
