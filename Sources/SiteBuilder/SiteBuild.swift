import Foundation
import MediaPipeline
import Publisher

/// `dropgen build`: load, plan media, render, encode media, write atomically.
public enum SiteBuild {
    public struct Options: Sendable {
        public var siteRoot: URL
        /// Defaults to `<site>/public`.
        public var output: URL?
        public var now: Date
        /// Remove cached media that this build no longer references.
        public var pruneCache: Bool
        public var progress: (@Sendable (Progress) -> Void)?

        public init(siteRoot: URL, output: URL? = nil, now: Date, pruneCache: Bool = false,
                    progress: (@Sendable (Progress) -> Void)? = nil) {
            self.siteRoot = siteRoot
            self.output = output
            self.now = now
            self.pruneCache = pruneCache
            self.progress = progress
        }
    }

    public enum Progress: Sendable {
        case stage(String)
        case media(done: Int, total: Int, path: String)
    }

    /// `.dropgen/build.json`: what the build saw, byte-identical for the same input and clock.
    public struct Record: Codable, Sendable, Equatable {
        public static let relativePath = ".dropgen/build.json"

        public var now: String
        public var pages: Int
        /// Drops per state.
        public var drops: [String: Int]
        /// The earliest future instant at which some page would read differently: when to build next.
        public var nextTransition: String?

        enum CodingKeys: String, CodingKey {
            case now, pages, drops
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
        /// Pages and static files whose bytes changed since the previous output, and those that
        /// were carried over untouched.
        public var filesRewritten: Int
        public var filesUnchanged: Int
        public var mediaEncoded: Int
        public var mediaCacheHits: Int
        public var mediaPruned: Int

        enum CodingKeys: String, CodingKey {
            case record = "build", files, bytes
            case filesRewritten = "files_rewritten"
            case filesUnchanged = "files_unchanged"
            case mediaEncoded = "media_encoded"
            case mediaCacheHits = "media_cache_hits"
            case mediaPruned = "media_pruned"
        }
    }

    public static func run(_ options: Options) async throws -> Report {
        let progress = options.progress ?? { _ in }
        progress(.stage("Loading content"))
        let (site, jobs) = try await Site.load(root: options.siteRoot, now: options.now)
        progress(.stage("Rendering pages"))
        let (tree, pageCount) = try await Renderer.render(site)

        let output = (options.output ?? site.root.appendingPathComponent("public")).standardizedFileURL
        guard !isSameOrAncestor(output, of: site.root) else {
            throw OutputWriter.Refused(description: "the output folder \(output.path) would replace the site itself; choose another --out")
        }
        let staging = try OutputWriter.prepareStaging(for: output)
        do {
            let hadOutput = FileManager.default.fileExists(atPath: output.appendingPathComponent(BuildManifest.relativePath).path)
            let written = try await OutputWriter.write(tree, into: staging, previous: hadOutput ? output : nil)
            let media = MediaPipeline(siteRoot: site.root, options: site.config.media)
            progress(.stage("Encoding media"))
            let mediaReport = try await media.process(jobs, outputRoot: staging) { done, total, path in
                progress(.media(done: done, total: total, path: path))
            }
            var pruned = 0
            if options.pruneCache {
                pruned = try media.pruneCache(keeping: Set(jobs.map(\.outputPath))).count
            }
            var counts: [String: Int] = [:]
            for drop in site.drops { counts[drop.state.rawValue, default: 0] += 1 }
            let record = Record(now: RFC3339.format(site.now), pages: pageCount, drops: counts,
                                nextTransition: nextTransition(site).map(RFC3339.format))
            try FileManager.default.createDirectory(at: staging.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
            try record.encoded().write(to: staging.appendingPathComponent(Record.relativePath))
            let manifest = try OutputWriter.manifest(of: staging, known: written.entries, media: mediaReport.files)
            try manifest.encoded().write(to: staging.appendingPathComponent(BuildManifest.relativePath))
            let report = Report(record: record, files: manifest.files.count + 1, bytes: manifest.files.reduce(0) { $0 + $1.size },
                                filesRewritten: written.written, filesUnchanged: written.reused, mediaEncoded: mediaReport.encoded, mediaCacheHits: mediaReport.cacheHits, mediaPruned: pruned)
            try OutputWriter.swap(staging: staging, onto: output)
            return report
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    /// The earliest instant after the build clock at which any drop changes state.
    public static func nextTransition(_ site: Site) -> Date? {
        site.upcomingTransitions().first?.at
    }

    static func isSameOrAncestor(_ candidate: URL, of root: URL) -> Bool {
        let a = candidate.standardizedFileURL.path, b = root.standardizedFileURL.path
        return a == b || (b + "/").hasPrefix(a + "/")
    }
}
