import Foundation
import SiteManifest
import TemplateKit
import SiteSource

/// One render of a site: what every page and output needs, made once, then the outputs made on
/// every core and collected into `Renderer.Rendered`.
struct RenderPass: Sendable {
    let site: Site
    let contexts: Contexts
    let renderer: PageRenderer
    /// The static files, by output path (a site's own `_redirects` is merged into the generated one).
    let staticTree: OutputTree
    let pages: [Page]
    /// Each page's output path, in the order of `pages`.
    let outputPaths: [String]
    /// The outputs that are not pages: site-wide ones, per-creator catalogs, per-drop calendars
    /// and live files.
    let siteWide: [Extra], catalogs: [Extra], calendars: [Extra], lives: [Extra]
    /// What every fingerprint shares: the templates and the asset map.
    let inputs: String
    let previous: PageFingerprints
    let sink: (any OutputSink)?

    /// An output that is not a page. Those with an input value are kept, like pages, when it is unchanged.
    struct Extra: Sendable {
        var path: String
        var input: TemplateValue?
        var make: @Sendable () -> String?
    }

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

    init(_ site: Site, previous: PageFingerprints, catalogEntries: Memo<String, JSONValue>, sink: (any OutputSink)?) throws(BuildFailed) {
        let library = try Templates.library(site.templates)
        var tree = OutputTree()
        var assets: [String: String] = [:]
        let ownRedirects = site.staticFiles.first { $0.name == Contexts.redirectsFile }?.data
        for file in site.staticFiles where file.name != Contexts.redirectsFile {
            tree.files[file.path] = file.data
            if file.path != file.name { assets["/" + file.name] = "/" + file.path }
        }
        let contexts = Contexts(site: site)
        self.site = site
        self.contexts = contexts
        renderer = PageRenderer(contexts: contexts, library: library, assets: assets)
        staticTree = tree
        pages = Page.all(in: site, tags: contexts.dropsByTag.keys.sorted(), publicDrops: contexts.visible.count)
        outputPaths = pages.map { $0.outputPath(in: site) }
        inputs = PageFingerprints.sharedInputs(templates: site.templates, assets: assets)
        self.previous = previous
        self.sink = sink
        let entry: @Sendable (Drop) -> JSONValue = { drop in
            catalogEntries.value(for: contexts.globals + (contexts.dropInputs[drop.slug] ?? drop.slug)) { contexts.catalogEntry(drop) }
        }
        siteWide = Self.siteWideOutputs(contexts, pagePaths: outputPaths, ownRedirects: ownRedirects, entry: entry)
        catalogs = Self.creatorCatalogs(contexts, entry: entry)
        calendars = Self.dropCalendars(contexts)
        lives = Self.dropLiveFiles(contexts)
    }

    /// The site-wide outputs: one of them lists every drop.
    private static func siteWideOutputs(_ contexts: Contexts, pagePaths outputPaths: [String], ownRedirects: Data?,
                                        entry: @escaping @Sendable (Drop) -> JSONValue) -> [Extra] {
        let site = contexts.site
        let pagePaths = outputPaths.map { "/" + ($0.hasSuffix("index.html") ? String($0.dropLast(10)) : $0) }
        let aliasPaths = Set(site.drops.flatMap(\.aliases))
        // Never a personal page: their links are for their holders alone.
        let sitemapPaths = pagePaths.filter { $0 != "/404.html" && !aliasPaths.contains($0) && !EdgeRules.isPrivate(String($0.dropFirst())) }
        let clock = TemplateValue.string(RFC3339.format(site.now)), globals = TemplateValue.string(contexts.globals)
        let listed = contexts.liveListedDrops
        return [
            Extra(path: "catalog.json", input: ["catalog", globals, clock, contexts.listedInputs(contexts.visible.indices)]) {
                contexts.catalog(contexts.visible.map(entry))
            },
            Extra(path: "sitemap.xml") { contexts.sitemap(pages: sitemapPaths) },
            Extra(path: "drops.ics") { contexts.siteCalendar() },
            Extra(path: "feed.xml") { contexts.atomFeed() },
            Extra(path: "robots.txt") { contexts.robots },
            Extra(path: Contexts.redirectsFile) { contexts.redirects(siteRules: ownRedirects) },
            Extra(path: Contexts.liveListPath, input: ["live", contexts.liveInput(listed)]) { contexts.liveFile(listed) },
        ]
    }

    private static func creatorCatalogs(_ contexts: Contexts, entry: @escaping @Sendable (Drop) -> JSONValue) -> [Extra] {
        let clock = TemplateValue.string(RFC3339.format(contexts.site.now)), globals = TemplateValue.string(contexts.globals)
        return contexts.site.creators.map { creator in
            let positions = contexts.dropsByCreator[creator.id] ?? []
            return Extra(path: "creators/\(creator.id)/catalog.json", input: ["catalog", globals, clock, contexts.listedInputs(positions)]) {
                contexts.catalog(contexts.drops(positions).map(entry))
            }
        }
    }

    private static func dropCalendars(_ contexts: Contexts) -> [Extra] {
        let stamp = TemplateValue.string(RFC3339.format(contexts.siteUpdated)), globals = TemplateValue.string(contexts.globals)
        return contexts.visible.indices.map { position in
            Extra(path: "drops/\(contexts.visible[position].slug)/drop.ics", input: ["ics", globals, stamp, .string(contexts.visibleInputs[position])]) {
                contexts.dropCalendar(contexts.visible[position])
            }
        }
    }

    /// A live file per drop that can still change before a shopper's eyes.
    private static func dropLiveFiles(_ contexts: Contexts) -> [Extra] {
        contexts.liveDrops.map { drop in
            Extra(path: Contexts.livePath(drop.slug), input: ["live", contexts.liveInput([drop])]) { contexts.liveFile(drop) }
        }
    }

    /// Aliases that claim a path another output uses (a page, an extra, a static file).
    func aliasCollisions() -> [Diagnostic] {
        var reserved = ReservedPaths(zip(pages, outputPaths).filter { if case .alias = $0.0 { false } else { true } }.map(\.1)
            + (siteWide + catalogs + calendars + lives).map(\.path) + site.staticFiles.flatMap { [$0.path, $0.name] })
        return reserved.checkAliases(of: site)
    }

    /// Every output, in one pass over every core, the large ones first: the site-wide ones each
    /// as a task of its own, then the listings (each shows many drops), then the outputs that
    /// come by the thousand, in chunks that keep per-task overhead small and are small enough
    /// for a progress bar to move. No core waits for another's last large task.
    func run(progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) async -> [[Outcome]] {
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
            + chunked(lives, into: workers * 4).map(Work.extras)
        let done = Counter(), total = pages.count
        return await concurrentMap(work) { item -> [Outcome] in
            switch item {
            case .pages(let chunk):
                defer { progress(done.add(chunk.count), total) }
                return chunk.map { renderPage($0, path: $1) }
            case .extras(let chunk):
                return chunk.map(makeExtra)
            }
        }
    }

    func renderPage(_ page: Page, path: String) -> Outcome {
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
            if case .access(let index) = page, site.access[index].isOpen,
               let problem = Consistency.check(html, drop: site.drops[site.access[index].drop], site: site) {
                return .failed(problem)
            }
            return made(path, Data(html), fingerprint: fingerprint)
        } catch {
            return .failed(error)
        }
    }

    func makeExtra(_ extra: Extra) -> Outcome {
        let fingerprint = extra.input.map { PageFingerprints.fingerprint(shared: inputs, template: "output", value: $0) }
        if let fingerprint, previous[extra.path] == fingerprint { return .reused(path: extra.path, fingerprint: fingerprint) }
        guard let text = extra.make() else { return .none }
        return made(extra.path, Data(text.utf8), fingerprint: fingerprint)
    }

    private func made(_ path: String, _ data: Data, fingerprint: String?) -> Outcome {
        guard let sink else { return .rendered(path: path, data: data, fingerprint: fingerprint) }
        sink.write(path, data)
        return .written(path: path, fingerprint: fingerprint)
    }

    /// The outcomes as one result: the tree (static files, and the outputs no sink took), the
    /// fingerprints, the outputs reused; every failure together.
    func collect(_ outcomes: [[Outcome]]) throws(BuildFailed) -> Renderer.Rendered {
        var tree = staticTree
        var diagnostics = DiagnosticLog()
        var fingerprints = PageFingerprints()
        var reused: Set<String> = []
        for outcome in outcomes.joined() {
            switch outcome {
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
        return Renderer.Rendered(tree: tree, pages: pages.count, pagesRendered: pages.count - pagesReused, fingerprints: fingerprints,
                                 reused: reused, renderer: renderer)
    }
}
