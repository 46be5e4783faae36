import Crypto
import Foundation
import MediaPipeline
import SiteManifest

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
        /// The last good build's page renderer, over its site: edited drop pages are previewed against it.
        private var lastRenderer: PageRenderer?
        /// Pages previewed since the last build, as now on disk; applied to the last build's
        /// records when the next build starts (they are shared, and large: not copied per edit).
        private var previewed: [String: BuildManifest.Entry] = [:]

        public init(contentCache: ContentCache) {
            self.contentCache = contentCache
            contentCache.trustsFileTimes = true
        }

        /// Manifest entries of the last successful build, by path (with pages previewed since).
        public var manifest: [String: BuildManifest.Entry]? {
            lock.withLock { last.map { previewed.isEmpty ? $0.entries : $0.entries.merging(previewed) { _, new in new } } }
        }

        /// The last build's records, with the previewed pages' files as they are now and without
        /// their fingerprints: the build renders them again and compares with what is on disk.
        func previous(for output: URL) -> OutputWriter.PreviousBuild? {
            lock.withLock {
                guard var build = last, build.folder == output else { return nil }
                for (path, entry) in previewed {
                    build.entries[path] = entry
                    build.fingerprints[path] = nil
                }
                return build
            }
        }

        func remember(_ build: OutputWriter.PreviousBuild, renderer: PageRenderer) {
            lock.withLock {
                last = build
                lastRenderer = renderer
                previewed = [:]
            }
        }
    }
}

extension SiteBuild.Session {
    /// Writes the pages of edited drop files into the output folder at once, rendered against the
    /// last good build, and returns their manifest entries; the full rebuild that follows brings
    /// every other page (listings, feeds, catalogs) up to date and checks these again. Creators
    /// see their edit in a few milliseconds on a site of any size, where the full rebuild costs
    /// work in proportion to the site.
    ///
    /// nil, and nothing written, unless every changed path is an existing drop file that still
    /// parses without a problem, keeps its slug, stays public and names the same media: anything
    /// else (a new or removed drop, a template, a maker, new media to encode) waits for the full
    /// rebuild, which reports problems with their lines.
    public func previewDropEdits(_ changed: [String]) -> [BuildManifest.Entry]? {
        // Only the folder is taken from the last build: a copy of its records would make the
        // update below copy all of them.
        guard !changed.isEmpty, let (folder, renderer) = lock.withLock({ last.flatMap { last in lastRenderer.map { (last.folder, $0) } } })
        else { return nil }
        let site = renderer.site
        var pages: [(path: String, html: Data)] = []
        for path in changed {
            guard path.hasPrefix("content/drops/"), path.hasSuffix(".md"),
                  let old = site.drops.first(where: { $0.file == path }), old.state != .draft,
                  let drop = editedDrop(path, replacing: old, in: site) else { return nil }
            let (template, context) = renderer.withSite(renderer.dropPage(drop))
            guard let html = try? renderer.render(template, context), Consistency.check(html, drop: drop, site: site) == nil
            else { return nil }
            pages.append(("drops/\(drop.slug)/index.html", Data(html)))
        }
        var entries: [BuildManifest.Entry] = []
        for page in pages {
            guard (try? OutputWriter.replace(page.path, in: folder, with: page.html)) != nil else { return nil }
            entries.append(BuildManifest.Entry(path: page.path, bytes: page.html))
        }
        // The folder now differs from the last build's records: the next build must render these
        // pages again (even if the edit is undone) and compare against what is really on disk.
        lock.withLock { for entry in entries { previewed[entry.path] = entry } }
        return entries
    }

    /// The drop as the full rebuild would load it, when it can stand in the last build's site.
    private func editedDrop(_ path: String, replacing old: Drop, in site: Site) -> Drop? {
        let result = DropLoader.load(path, root: site.root, now: site.now, config: site.config, cache: nil)
        guard result.diagnostics.isEmpty, let loaded = result.loaded, loaded.drop.slug == old.slug,
              loaded.drop.state != .draft, let before = contentCache.reusable(old.source),
              Self.sameMedia(loaded, before), loaded.images.count == old.images.count, (loaded.hero == nil) == (old.hero == nil)
        else { return nil }
        // Same media requests: the planned (and already encoded) media stands; only alt texts may differ.
        var drop = loaded.drop
        // The stock the last build applied still stands over the file's opening stock.
        if let entry = site.stock?.entry(for: drop.slug) {
            drop.apply(stock: entry, now: site.now, archiveAfterDays: site.config.archiveAfterDays)
        }
        drop.hero = old.hero
        drop.hero?.alt = loaded.heroAlt
        drop.images = zip(old.images, loaded.images).map { still, image in
            var still = still
            still.alt = image.alt
            return still
        }
        return drop
    }

    private static func sameMedia(_ a: DropLoader.Loaded, _ b: DropLoader.Loaded) -> Bool {
        struct Requests: Encodable {
            var hero: HeroRequest?
            var images: [StillRequest]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func encoded(_ loaded: DropLoader.Loaded) -> Data? {
            try? encoder.encode(Requests(hero: loaded.hero, images: loaded.images.map(\.request)))
        }
        return encoded(a).map { $0 == encoded(b) } ?? false
    }
}
