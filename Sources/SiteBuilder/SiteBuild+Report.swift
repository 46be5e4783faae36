import Foundation
import SiteManifest

extension SiteBuild {
    /// `.dropgen/build.json`: what the build saw, byte-identical for the same input and clock.
    public struct Record: Codable, Sendable, Equatable {
        public static let relativePath = ".dropgen/build.json"

        public var now: String
        public var pages: Int
        /// Drops per state.
        public var drops: [String: Int]
        /// The earliest future instant at which some page would read differently: when to build next.
        public var nextTransition: String?
        /// Which dropgen built it (`DropgenVersion.description`), so a CI log says which made a site.
        public var dropgen = DropgenVersion.description

        enum CodingKeys: String, CodingKey {
            case now, pages, drops, dropgen
            case nextTransition = "next_transition"
        }

        func encoded() throws -> Data {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return try encoder.encode(self) + Data("\n".utf8)
        }
    }

    /// What `dropgen build --json` prints: the record plus this run's counts.
    public struct Report: Codable, Sendable, Equatable {
        public var record: Record
        public var files: Int
        public var bytes: Int
        /// Pages rendered by this build; the others kept their previous file (same fingerprint).
        public var pagesRendered: Int
        /// Drop files parsed by this build; the others came from the content cache.
        public var dropsParsed: Int
        /// Pages and static files whose bytes changed since the previous output, and those that
        /// were carried over untouched.
        public var filesRewritten: Int
        public var filesUnchanged: Int
        public var mediaEncoded: Int
        public var mediaCacheHits: Int
        public var mediaPruned: Int
        /// Wall-clock seconds per stage, in order: where a build's time goes (`make bench` prints them).
        public var seconds: [Stage] = []
        /// What the build ignored but someone should know (stock for drops the site does not
        /// have); left out of the JSON when there is nothing.
        public var warnings: [String]?

        public struct Stage: Codable, Sendable, Equatable {
            public var stage: String
            public var seconds: Double
        }

        enum CodingKeys: String, CodingKey {
            case record = "build", files, bytes
            case pagesRendered = "pages_rendered"
            case dropsParsed = "drops_parsed"
            case filesRewritten = "files_rewritten"
            case filesUnchanged = "files_unchanged"
            case mediaEncoded = "media_encoded"
            case mediaCacheHits = "media_cache_hits"
            case mediaPruned = "media_pruned"
            case seconds, warnings
        }
    }
}
