import Crypto
import Foundation

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
        let library = try TemplateLibrary(site.templates)
        var tree = OutputTree()
        var assets: [String: String] = [:]
        // A site's own `static/_redirects` is merged into the generated one, after its rules.
        let ownRedirects = site.staticFiles.first { $0.name == Contexts.redirectsFile }?.data
        for file in site.staticFiles where file.name != Contexts.redirectsFile {
            tree.files[file.path] = file.data
            if file.path != file.name { assets["/" + file.name] = "/" + file.path }
        }
        let contexts = Contexts(site: site)
        let renderer = PageRenderer(contexts: contexts, library: library, assets: assets)
        let pages = Page.all(in: site, tags: contexts.dropsByTag.keys.sorted(), publicDrops: contexts.visible.count)
        let inputs = PageFingerprints.sharedInputs(templates: site.templates, assets: assets)

        enum Outcome: Sendable {
            /// Bytes, not a String: held for every output until the tree is written, once.
            case rendered(path: String, data: Data, fingerprint: String?)
            /// Handed to the sink.
            case written(path: String, fingerprint: String?)
            case reused(path: String, fingerprint: String)
            /// An output with nothing to write (no redirects, or a drop with no calendar left).
            case none
            case failed(Diagnostic)
        }
        @Sendable func made(_ path: String, _ data: Data, fingerprint: String?) -> Outcome {
            guard let sink else { return .rendered(path: path, data: data, fingerprint: fingerprint) }
            sink.write(path, data)
            return .written(path: path, fingerprint: fingerprint)
        }
        @Sendable func renderPage(_ page: Page, path: String) -> Outcome {
            // Pages that come by the thousand are fingerprinted from their inputs, so an
            // unchanged one costs no template value at all; the others from their value.
            let fromInputs = renderer.inputs(of: page).map { PageFingerprints.fingerprint(shared: inputs, template: "inputs", value: $0) }
            if let fromInputs, previous[path] == fromInputs { return .reused(path: path, fingerprint: fromInputs) }
            let (template, context) = renderer.templateAndContext(page)
            let fingerprint = fromInputs ?? PageFingerprints.fingerprint(shared: inputs, template: template, value: context)
            if previous[path] == fingerprint { return .reused(path: path, fingerprint: fingerprint) }
            do throws(Diagnostic) {
                let html = try renderer.render(template, context)
                if case .drop(let index) = page, let problem = Consistency.check(html, drop: site.drops[index], site: site) {
                    return .failed(problem)
                }
                return made(path, Data(html), fingerprint: fingerprint)
            } catch {
                return .failed(error)
            }
        }

        // The other outputs: the site-wide ones (one of them lists every drop), the catalogs and
        // the per-drop calendars. Those with an input value are kept, like pages, when it is unchanged.
        struct Extra: Sendable {
            var path: String
            var input: TemplateValue?
            var make: @Sendable () -> String?
        }
        @Sendable func makeExtra(_ extra: Extra) -> Outcome {
            let fingerprint = extra.input.map { PageFingerprints.fingerprint(shared: inputs, template: "output", value: $0) }
            if let fingerprint, previous[extra.path] == fingerprint { return .reused(path: extra.path, fingerprint: fingerprint) }
            guard let text = extra.make() else { return .none }
            return made(extra.path, Data(text.utf8), fingerprint: fingerprint)
        }
        let outputPaths = pages.map { $0.outputPath(in: site) }
        let pagePaths = outputPaths.map { "/" + ($0.hasSuffix("index.html") ? String($0.dropLast(10)) : $0) }
        let aliasPaths = Set(site.drops.flatMap(\.aliases))
        let sitemapPaths = pagePaths.filter { $0 != "/404.html" && !aliasPaths.contains($0) }
        let clock = TemplateValue.string(RFC3339.format(site.now)), globals = TemplateValue.string(contexts.globals)
        let entries = catalogEntries ?? Memo<String, JSONValue>()
        @Sendable func entry(_ drop: Drop) -> JSONValue {
            entries.value(for: contexts.globals + (contexts.dropInputs[drop.slug] ?? drop.slug)) { contexts.catalogEntry(drop) }
        }
        let siteWide: [Extra] = [
            Extra(path: "catalog.json", input: ["catalog", globals, clock, contexts.listedInputs(contexts.visible.indices)]) {
                contexts.catalog(contexts.visible.map(entry))
            },
            Extra(path: "sitemap.xml") { contexts.sitemap(pages: sitemapPaths) },
            Extra(path: "drops.ics") { contexts.siteCalendar() },
            Extra(path: "feed.xml") { contexts.atomFeed() },
            Extra(path: "robots.txt") { contexts.robots },
            Extra(path: Contexts.redirectsFile) { contexts.redirects(siteRules: ownRedirects) },
        ]
        var catalogs: [Extra] = []
        for creator in site.creators {
            let positions = contexts.dropsByCreator[creator.id] ?? []
            catalogs.append(Extra(path: "creators/\(creator.id)/catalog.json", input: ["catalog", globals, clock, contexts.listedInputs(positions)]) {
                contexts.catalog(contexts.drops(positions).map(entry))
            })
        }
        let stamp = TemplateValue.string(RFC3339.format(contexts.siteUpdated))
        let calendars = contexts.visible.indices.map { position in
            Extra(path: "drops/\(contexts.visible[position].slug)/drop.ics", input: ["ics", globals, stamp, .string(contexts.visibleInputs[position])]) {
                contexts.dropCalendar(contexts.visible[position])
            }
        }

        // Aliases may claim only paths no other output uses: checked against every output
        // path, before anything is written.
        var reserved = ReservedPaths(zip(pages, outputPaths).filter { if case .alias = $0.0 { false } else { true } }.map(\.1)
            + (siteWide + catalogs + calendars).map(\.path) + site.staticFiles.flatMap { [$0.path, $0.name] })
        let collisions = reserved.checkAliases(of: site)
        if !collisions.isEmpty { throw BuildFailed(collisions) }

        // All of it in one pass over every core, the large outputs first: the site-wide ones each
        // as a task of its own, then the listings (each shows many drops), then the outputs that
        // come by the thousand, in chunks that keep per-task overhead small and are small enough
        // for a progress bar to move. No core waits for another's last large task.
        enum Work: Sendable {
            case pages([(Page, path: String)])
            case extras([Extra])
        }
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let all = Array(zip(pages, outputPaths))
        let listings = all.filter { !$0.0.comesByTheThousand }, perDrop = all.filter(\.0.comesByTheThousand)
        let work: [Work] = siteWide.map { .extras([$0]) } + chunked(listings, into: workers * 4).map(Work.pages)
            + chunked(catalogs, into: workers).map(Work.extras)
            + chunked(perDrop, into: max(workers * 4, perDrop.count / 250)).map(Work.pages)
            + chunked(calendars, into: workers * 8).map(Work.extras)
        let done = Counter()
        let results = await concurrentMap(work) { item -> [Outcome] in
            switch item {
            case .pages(let chunk):
                defer { progress(done.add(chunk.count), pages.count) }
                return chunk.map { renderPage($0, path: $1) }
            case .extras(let chunk):
                return chunk.map(makeExtra)
            }
        }
        var diagnostics = DiagnosticLog()
        var fingerprints = PageFingerprints()
        var reused: Set<String> = []
        for result in results.joined() {
            switch result {
            case .rendered(let path, let data, let fingerprint):
                tree.files[path] = data
                if let fingerprint { fingerprints[path] = fingerprint }
            case .written(let path, let fingerprint):
                if let fingerprint { fingerprints[path] = fingerprint }
            case .reused(let path, let fingerprint):
                reused.insert(path)
                fingerprints[path] = fingerprint
            case .none:
                continue
            case .failed(let diagnostic):
                diagnostics.add(diagnostic)
            }
        }
        try diagnostics.throwIfAny()
        let pagesReused = outputPaths.count(where: reused.contains)
        return Rendered(tree: tree, pages: pages.count, pagesRendered: pages.count - pagesReused, fingerprints: fingerprints, reused: reused,
                        renderer: renderer)
    }
}

/// Where a cold build's outputs go as soon as each is made (`OutputWriter.Stream`): writing
/// overlaps rendering, and no page is held until the end.
protocol OutputSink: Sendable {
    func write(_ path: String, _ data: Data)
}

/// A build-time guard: a drop page must show the price and state the model computed. Templates
/// mark them with `data-price` and `data-state`; a theme that prints something else fails the build.
enum Consistency {
    static func check(_ html: [UInt8], drop: Drop, site: Site) -> Diagnostic? {
        let template = "templates/drop.mustache"
        let prices = attributeValues("data-price", in: html)
        if let price = drop.price, let wrong = prices.first(where: { $0 != price.description }) {
            return Diagnostic(file: template, key: "price",
                              message: "the page of \(drop.file) shows price \(wrong), but the drop's price is \(price.description)")
        }
        if drop.price != nil, prices.isEmpty {
            return Diagnostic(file: template, key: "price",
                              message: "the page of \(drop.file) does not mark its price; add data-price=\"{{drop.price_amount}}\" where the price is shown")
        }
        let states = attributeValues("data-state", in: html)
        if let wrong = states.first(where: { $0 != drop.state.rawValue }) {
            return Diagnostic(file: template, key: "state",
                              message: "the page of \(drop.file) shows state \(wrong), but at this build's clock the drop is \(drop.state.rawValue)")
        }
        if states.isEmpty {
            return Diagnostic(file: template, key: "state",
                              message: "the page of \(drop.file) does not mark its state; add data-state=\"{{drop.state}}\"")
        }
        return nil
    }

    static func attributeValues(_ name: String, in bytes: [UInt8]) -> [String] {
        let marker = Array(" \(name)=\"".utf8)
        var values: [String] = []
        var index = 0
        while let found = bytes.firstRange(of: marker, from: index) {
            let start = found.upperBound
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
            values.append(String(decoding: bytes[start..<end], as: UTF8.self))
            index = end
        }
        return values
    }
}

extension [UInt8] {
    /// The first occurrence of `needle` at or after `start`. libc's `memchr` (vectorized) finds
    /// candidates by the needle's `=`, rare in HTML outside attributes: pages are scanned whole
    /// several times per build.
    func firstRange(of needle: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty else { return nil }
        let anchor = needle.firstIndex(of: UInt8(ascii: "=")) ?? 0
        return withUnsafeBytes { haystack -> Range<Int>? in
            guard let base = haystack.baseAddress else { return nil }
            var position = start + anchor
            while position < haystack.count {
                guard let hit = memchr(base + position, Int32(needle[anchor]), haystack.count - position) else { return nil }
                let lower = base.distance(to: UnsafeRawPointer(hit)) - anchor
                if lower >= start, lower + needle.count <= haystack.count,
                   needle.withUnsafeBytes({ memcmp(base + lower, $0.baseAddress!, needle.count) == 0 }) {
                    return lower..<(lower + needle.count)
                }
                position = lower + anchor + 1
            }
            return nil
        }
    }
}
