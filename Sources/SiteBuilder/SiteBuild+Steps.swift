import Foundation
import MediaPipeline
import SiteManifest

extension SiteBuild {
    /// One build's settings, its output folder and its stage clock, with the steps of `run` as
    /// methods, in the order they run.
    struct Run: Sendable {
        let options: Options
        let root: URL
        let output: URL
        let stages = StageClock()
        /// The caller's progress handler, the stage clock told of each stage.
        let progress: @Sendable (Progress) -> Void

        init(_ options: Options) throws {
            let root = options.siteRoot.standardizedFileURL
            let output = (options.output ?? root.appendingPathComponent("public")).standardizedFileURL
            guard !isSameOrAncestor(output, of: root) else {
                throw OutputWriter.Refused(description: "the output folder \(output.path) would replace the site itself; choose another --out")
            }
            let report = options.progress ?? { _ in }
            let stages = stages
            self.options = options
            self.root = root
            self.output = output
            progress = { event in
                if case .stage(let name) = event { stages.begin(name) }
                report(event)
            }
        }

        /// The site as loaded, with what the build starts from.
        struct Loaded: Sendable {
            var site: Site
            /// Every media output the site's pages name.
            var jobs: [MediaJob]
            var cache: ContentCache
            /// The output folder's last build: from the session's memory, or read from disk.
            var previous: OutputWriter.PreviousBuild?
            /// The session held `previous` in memory (its records need no checking on disk).
            var remembered: Bool
            /// Stock ledger entries for drops the site does not have: ignored, and reported.
            var unknownStock: [String] = []
        }

        func load() async throws -> Loaded {
            let remembered = options.session?.previous(for: output)
            let previous = remembered ?? OutputWriter.PreviousBuild.at(output)
            progress(.stage("Loading content"))
            let cache = if let session = options.session { session.contentCache } else { await ContentCache.load(root: root) }
            var (site, jobs) = try await Site.load(root: root, now: options.now, cache: cache)
            // After the content cache: the cached drops keep their front-matter stock.
            let unknownStock = options.stock.map { site.apply(stock: $0) } ?? []
            // After the stock: a drop sold out in early access keeps its holders' pages open.
            try site.planAccess(secret: options.accessSecret)
            return Loaded(site: site, jobs: jobs, cache: cache, previous: previous, remembered: remembered != nil,
                          unknownStock: unknownStock)
        }

        /// A session saves its content cache once, after its first build: later edits are few,
        /// and the next one-off build parses them again.
        func saveCache(_ loaded: Loaded) async {
            guard !loaded.remembered else { return }
            try? await loaded.cache.save(root: root)
        }

        /// The fingerprints of the previous build's pages whose files are intact: those pages are
        /// not rendered again while their fingerprint holds.
        func previousFingerprints(_ loaded: Loaded) async -> PageFingerprints {
            guard let previous = loaded.previous else { return PageFingerprints() }
            return loaded.remembered ? previous.fingerprints : await previous.usableFingerprints()
        }

        func render(_ loaded: Loaded, previous fingerprints: PageFingerprints, into destination: any OutputDestination) async throws
            -> Renderer.Rendered {
            progress(.stage(destination.sink == nil ? "Rendering pages" : "Rendering and writing pages"))
            return try await Renderer.render(loaded.site, previous: fingerprints, catalogEntries: options.session?.catalogEntries,
                                             sink: destination.sink) { [progress] done, total in
                progress(.pages(done: done, total: total))
            }
        }

        func encodeMedia(_ jobs: [MediaJob], of loaded: Loaded, into folder: URL) async throws -> (report: MediaReport, pruned: Int) {
            progress(.stage("Encoding media"))
            let media = MediaPipeline(siteRoot: loaded.site.root, options: loaded.site.config.media)
            let report = try await media.process(jobs, outputRoot: folder) { [progress] done, total, path in
                progress(.media(done: done, total: total, path: path))
            }
            let pruned = options.pruneCache ? try media.pruneCache(keeping: Set(loaded.jobs.map(\.outputPath))).count : 0
            return (report, pruned)
        }

        /// The manifest, the page fingerprints, the input stamps and the build record, into
        /// `folder/.dropgen/`, and the build's report.
        func writeRecords(of loaded: Loaded, _ rendered: Renderer.Rendered, _ written: OutputWriter.Written,
                          _ media: (report: MediaReport, pruned: Int), stamps: InputStamps?, into folder: URL) async throws
            -> (Report, BuildManifest) {
            let site = loaded.site
            var counts: [String: Int] = [:]
            for drop in site.drops { counts[drop.state.rawValue, default: 0] += 1 }
            let record = Record(now: RFC3339.format(site.now), pages: rendered.pages, drops: counts,
                                nextTransition: nextTransition(site).map(RFC3339.format))
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
            let manifest = try OutputWriter.manifest(of: folder, known: written.entries, media: media.report.files)
            // The records are independent of each other, and each is large for a large site.
            async let manifestWritten: Void = OutputWriter.replace(BuildManifest.relativePath, in: folder, with: try manifest.encoded())
            async let fingerprintsWritten: Void = OutputWriter.replace(PageFingerprints.relativePath, in: folder,
                                                                       with: rendered.fingerprints.encoded())
            async let stampsWritten: Void = {
                if var stamps = await stamps?.hashingRest(siteRoot: root, knowing: loaded.cache.fileDigests) {
                    stamps.outputs = Dictionary(manifest.files.map { ($0.path, $0.size) }, uniquingKeysWith: { a, _ in a })
                    try OutputWriter.replace(InputStamps.relativePath, in: folder, with: stamps.encoded())
                } else {
                    // A session's records are for its next one-off build too: never leave stale ones.
                    OutputWriter.removeIfPresent(folder.path + "/" + InputStamps.relativePath)
                }
            }()
            try OutputWriter.replace(Record.relativePath, in: folder, with: try record.encoded())
            try await manifestWritten
            try await fingerprintsWritten
            try await stampsWritten
            let report = Report(record: record, files: manifest.files.count + 1, bytes: manifest.files.reduce(0) { $0 + $1.size },
                                pagesRendered: rendered.pagesRendered, dropsParsed: loaded.cache.parsedByLastLoad,
                                filesRewritten: written.written, filesUnchanged: written.reused, mediaEncoded: media.report.encoded,
                                mediaCacheHits: media.report.cacheHits, mediaPruned: media.pruned, seconds: stages.finish(),
                                warnings: Self.warnings(unknownStock: loaded.unknownStock, config: loaded.site.config.warnings))
            return (report, manifest)
        }

        /// What the build ignored and the report names.
        static func warnings(unknownStock: [String], config: [String] = []) -> [String]? {
            var warnings = config
            if !unknownStock.isEmpty {
                let shown = unknownStock.prefix(10).joined(separator: ", ")
                let more = unknownStock.count > 10 ? " and \(unknownStock.count - 10) more" : ""
                warnings.append("the stock ledger names drops this site does not have (ignored): \(shown)\(more)")
            }
            return warnings.isEmpty ? nil : warnings
        }

        /// The next build of a session starts from this one, now in place.
        func remember(_ manifest: BuildManifest, _ rendered: Renderer.Rendered) {
            options.session?.remember(OutputWriter.PreviousBuild(
                folder: output, entries: Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }),
                fingerprints: rendered.fingerprints), renderer: rendered.renderer)
        }
    }
}
