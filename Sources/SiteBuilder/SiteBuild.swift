import Foundation
import MediaPipeline
import Publisher

/// `dropgen build`: load, plan media, render, encode media, write atomically.
public enum SiteBuild {
    /// What the site gives a build: anything else in its folder is never read.
    public static let inputs = ["dropgen.yaml", "content", "data", "templates", "static"]

    public struct Options: Sendable {
        public var siteRoot: URL
        /// Defaults to `<site>/public`.
        public var output: URL?
        public var now: Date
        /// Remove cached media that this build no longer references.
        public var pruneCache: Bool
        public var progress: (@Sendable (Progress) -> Void)?
        /// What `dropgen serve` keeps in memory across rebuilds; nil for a one-off build, which
        /// reads the site's content cache and the previous output's records from disk.
        public var session: Session?
        /// The process ends right after the build (a command line run): the build's values are
        /// not freed one by one, as clang's `-disable-free`. For a large site, tearing down every
        /// drop, page and record took a tenth of a cold build's time, on one core, after the work.
        public var skipsTeardown: Bool

        public init(siteRoot: URL, output: URL? = nil, now: Date, pruneCache: Bool = false,
                    progress: (@Sendable (Progress) -> Void)? = nil, session: Session? = nil, skipsTeardown: Bool = false) {
            self.siteRoot = siteRoot
            self.output = output
            self.now = now
            self.pruneCache = pruneCache
            self.progress = progress
            self.session = session
            self.skipsTeardown = skipsTeardown
        }
    }

    public enum Progress: Sendable {
        case stage(String)
        case media(done: Int, total: Int, path: String)
        /// Pages considered so far (rendered, or kept by their fingerprint).
        case pages(done: Int, total: Int)
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
            case seconds
        }
    }

    public static func run(_ options: Options) async throws -> Report {
        let report = options.progress ?? { _ in }
        let stages = StageClock()
        let progress: @Sendable (Progress) -> Void = { event in
            if case .stage(let name) = event { stages.begin(name) }
            report(event)
        }
        let root = options.siteRoot.standardizedFileURL
        let output = (options.output ?? root.appendingPathComponent("public")).standardizedFileURL
        guard !isSameOrAncestor(output, of: root) else {
            throw OutputWriter.Refused(description: "the output folder \(output.path) would replace the site itself; choose another --out")
        }
        // A session is told of changes by its watcher and never skips a build; a one-off build
        // first checks whether anything changed at all.
        let stamps: InputStamps?
        if options.session == nil {
            // The last build's stamps are read while the site is scanned.
            async let previousRead: InputStamps? = {
                let manager = FileManager.default
                guard !manager.fileExists(atPath: output.appendingPathComponent(BuildManifest.incompleteMarker).path) else { return nil }
                return manager.contents(atPath: output.appendingPathComponent(InputStamps.relativePath).path).flatMap(InputStamps.decode)
            }()
            progress(.stage("Checking for changes"))
            let found = InputStamps.scan(siteRoot: root)
            let previousStamps = await previousRead
            // The last output is checked while the stamps are completed.
            async let intact: Bool = {
                guard let previousStamps else { return false }
                return await outputsIntact(output, previousStamps.outputs)
            }()
            let (current, allKnown) = await InputStamps.current(found, siteRoot: root, now: options.now, previous: previousStamps)
            if let previousStamps, current.sameInputs(as: previousStamps), !options.pruneCache, await intact,
               var report = try unchanged(output, previous: previousStamps, current: allKnown ? nil : current) {
                report.seconds = stages.finish()
                if options.skipsTeardown { keepUntilExit((found, current, previousStamps)) }
                return report
            }
            stamps = current
        } else {
            stamps = nil
        }

        let remembered = options.session?.previous(for: output)
        let previous = remembered ?? OutputWriter.PreviousBuild.at(output)
        progress(.stage("Loading content"))
        let cache = if let session = options.session { session.contentCache } else { await ContentCache.load(root: root) }
        let (site, jobs) = try await Site.load(root: root, now: options.now, cache: cache)
        // Saved while the pages render and are written; a session saves once, after its first
        // build (later edits are few, and the next one-off build parses them again).
        async let cacheSaved: Void = remembered == nil ? (try? await cache.save(root: root)) ?? () : ()
        let fingerprints = if let remembered { remembered.fingerprints } else { await previous?.usableFingerprints() ?? PageFingerprints() }
        // A build with a previous output updates it in place; a cold one writes into a staging
        // folder, each page as soon as it is rendered, which takes the output's place once complete.
        enum Destination {
            case inPlace(OutputWriter.PreviousBuild)
            case staged(OutputWriter.Stream)
        }
        let destination: Destination = if let previous { .inPlace(previous) } else {
            .staged(OutputWriter.Stream(into: try OutputWriter.prepareStaging(for: output)))
        }
        let stream = if case .staged(let stream) = destination { stream } else { OutputWriter.Stream?.none }
        progress(.stage(stream == nil ? "Rendering pages" : "Rendering and writing pages"))
        let rendered: Renderer.Rendered
        do {
            rendered = try await Renderer.render(site, previous: fingerprints, catalogEntries: options.session?.catalogEntries,
                                                 sink: stream) { done, total in
                progress(.pages(done: done, total: total))
            }
        } catch {
            if let stream { try? FileManager.default.removeItem(at: stream.folder) }
            throw error
        }
        let media = MediaPipeline(siteRoot: site.root, options: site.config.media)
        var counts: [String: Int] = [:]
        for drop in site.drops { counts[drop.state.rawValue, default: 0] += 1 }
        let record = Record(now: RFC3339.format(site.now), pages: rendered.pages, drops: counts,
                            nextTransition: nextTransition(site).map(RFC3339.format))

        var finalManifest: BuildManifest?
        /// The next build of a session starts from this one, once it is in place.
        func remember() {
            guard let finalManifest else { return }
            options.session?.remember(OutputWriter.PreviousBuild(
                folder: output, entries: Dictionary(finalManifest.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }),
                fingerprints: rendered.fingerprints), renderer: rendered.renderer)
        }

        /// Media, then the bookkeeping files, into `folder`, whose pages and static files are written.
        func finish(_ written: OutputWriter.Written, in folder: URL, mediaJobs: [MediaJob]) async throws -> Report {
            progress(.stage("Encoding media"))
            let mediaReport = try await media.process(mediaJobs, outputRoot: folder) { done, total, path in
                progress(.media(done: done, total: total, path: path))
            }
            let pruned = options.pruneCache ? try media.pruneCache(keeping: Set(jobs.map(\.outputPath))).count : 0
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
            let manifest = try OutputWriter.manifest(of: folder, known: written.entries, media: mediaReport.files)
            // The records are independent of each other, and each is large for a large site.
            async let manifestWritten: Void = OutputWriter.replace(BuildManifest.relativePath, in: folder, with: try manifest.encoded())
            async let fingerprintsWritten: Void = OutputWriter.replace(PageFingerprints.relativePath, in: folder,
                                                                       with: rendered.fingerprints.encoded())
            async let stampsWritten: Void = {
                if var stamps = await stamps?.hashingRest(siteRoot: root, knowing: cache.fileDigests) {
                    stamps.outputs = Dictionary(manifest.files.map { ($0.path, $0.size) }, uniquingKeysWith: { a, _ in a })
                    try OutputWriter.replace(InputStamps.relativePath, in: folder, with: stamps.encoded())
                } else {
                    // A session's records are for its next one-off build too: never leave stale ones.
                    unlink(folder.path + "/" + InputStamps.relativePath)
                }
            }()
            try OutputWriter.replace(Record.relativePath, in: folder, with: try record.encoded())
            try await manifestWritten
            try await fingerprintsWritten
            try await stampsWritten
            finalManifest = manifest
            return Report(record: record, files: manifest.files.count + 1, bytes: manifest.files.reduce(0) { $0 + $1.size },
                          pagesRendered: rendered.pagesRendered, dropsParsed: cache.parsedByLastLoad, filesRewritten: written.written,
                          filesUnchanged: written.reused, mediaEncoded: mediaReport.encoded, mediaCacheHits: mediaReport.cacheHits,
                          mediaPruned: pruned, seconds: stages.finish())
        }

        defer { if options.skipsTeardown { keepUntilExit((site, rendered, cache, previous, finalManifest)) } }
        switch destination {
        case .inPlace(let previous):
            // Media outputs are content-addressed: one already in place is already right.
            let keep = Set(jobs.map(\.outputPath).filter { previous.isIntact($0) })
            progress(.stage("Writing changed files"))
            let written = try await OutputWriter.update(rendered.tree, reused: rendered.reused, keep: keep, previous: previous)
            let report = try await finish(written, in: output, mediaJobs: jobs.filter { !keep.contains($0.outputPath) })
            OutputWriter.markComplete(output)
            remember()
            await cacheSaved
            return report
        case .staged(let stream):
            let staging = stream.folder
            do {
                progress(.stage("Writing static files"))
                await stream.write(rendered.tree)
                let entries = try stream.finish()
                let written = OutputWriter.Written(entries: entries, written: entries.count, reused: 0)
                let report = try await finish(written, in: staging, mediaJobs: jobs)
                try OutputWriter.swap(staging: staging, onto: output)
                remember()
                await cacheSaved
                return report
            } catch {
                try? FileManager.default.removeItem(at: staging)
                throw error
            }
        }
    }

    /// Holds a value for the rest of the process: it is never freed.
    static func keepUntilExit(_ value: Any) {
        _ = Unmanaged.passRetained(Kept(value))
    }

    /// Whether every file of the last build is in the output folder with its size: a page deleted
    /// or truncated by hand makes the build run.
    static func outputsIntact(_ output: URL, _ outputs: [String: Int]) async -> Bool {
        let folder = output.path
        let intact = await concurrentMap(chunked(Array(outputs), into: ProcessInfo.processInfo.activeProcessorCount * 4)) { chunk in
            OutputWriter.withFolder(folder) { descriptor in
                chunk.allSatisfy { path, size in OutputWriter.hasFile(path, size: size, in: descriptor) }
            }
        }
        return !outputs.isEmpty && intact.allSatisfy { $0 }
    }

    /// The report of a build with nothing to do: same inputs, same clock, output intact. nil when
    /// the record cannot be read: then the build runs.
    /// `current`: the inputs' stamps when some have new times (same bytes), to be remembered; nil
    /// when they are the previous ones.
    static func unchanged(_ output: URL, previous: InputStamps, current: InputStamps?) throws -> Report? {
        let outputs = previous.outputs
        guard let data = FileManager.default.contents(atPath: output.appendingPathComponent(Record.relativePath).path),
              let record = try? JSONDecoder().decode(Record.self, from: data) else { return nil }
        // New times for the same bytes (a fresh checkout): remember them, so the next check needs no reading.
        if var current {
            current.outputs = outputs
            try OutputWriter.replace(InputStamps.relativePath, in: output, with: current.encoded())
        }
        return Report(record: record, files: outputs.count + 1, bytes: outputs.values.reduce(0, +),
                      pagesRendered: 0, dropsParsed: 0, filesRewritten: 0, filesUnchanged: outputs.count,
                      mediaEncoded: 0, mediaCacheHits: 0, mediaPruned: 0)
    }

    /// Times the stages of one build.
    final class StageClock: @unchecked Sendable {
        private let lock = NSLock()
        private var stages: [Report.Stage] = []
        private var current: (name: String, started: ContinuousClock.Instant)?

        func begin(_ name: String) {
            lock.withLock {
                close()
                current = (name, .now)
            }
        }

        func finish() -> [Report.Stage] {
            lock.withLock {
                close()
                return stages
            }
        }

        private func close() {
            guard let current else { return }
            let seconds = (ContinuousClock.now - current.started) / .seconds(1)
            stages.append(Report.Stage(stage: current.name, seconds: (seconds * 1000).rounded() / 1000))
            self.current = nil
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

private final class Kept {
    let value: Any
    init(_ value: Any) { self.value = value }
}
