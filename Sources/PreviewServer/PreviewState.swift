import Foundation
import SiteManifest

/// The last good build, as the server sees it: a folder and its manifest.
struct BuiltSite: Sendable {
    var folder: URL
    /// Manifest entries by output path: sha256 (the strong ETag), content type, cache class.
    var entries: [String: BuildManifest.Entry]

    static func load(folder: URL) throws -> BuiltSite {
        let manifest = try BuildManifest.decode(Data(contentsOf: folder.appendingPathComponent(BuildManifest.relativePath)))
        return BuiltSite(folder: folder, entries: Dictionary(uniqueKeysWithValues: manifest.files.map { ($0.path, $0) }))
    }
}

/// What the server serves right now, and who is waiting to hear about the next build.
actor PreviewState {
    enum Event: Sendable, Equatable {
        /// Every open tab reloads: the site started or stopped failing, or too much changed to list.
        case reload(generation: Int)
        /// Tabs showing one of these URL paths reload.
        case changed(generation: Int, paths: [String])
    }

    /// Beyond this many changed files, every tab simply reloads.
    static let changedPathLimit = 500

    private(set) var site: BuiltSite?
    /// The diagnostics of the latest build when it failed; nil while the site builds.
    private(set) var failure: String?
    /// Counts events sent (finished builds, good or bad, and previews); a tab that reconnects
    /// with another generation missed one and reloads.
    private(set) var generation = 0
    private var listeners: [UUID: AsyncStream<Event>.Continuation] = [:]

    func succeeded(_ site: BuiltSite) {
        let served = failure == nil ? self.site : nil
        self.site = site
        failure = nil
        guard let served else { return send { .reload(generation: $0) } }
        let changed = Set(served.entries.keys).union(site.entries.keys).filter { served.entries[$0] != site.entries[$0] }
        send(changed: changed)
    }

    /// Files written ahead of a build, while the last good build is served.
    func patched(_ entries: [BuildManifest.Entry]) {
        guard failure == nil, site != nil else { return }
        for entry in entries { site?.entries[entry.path] = entry }  // in place: the site has thousands
        send(changed: Set(entries.map(\.path)))
    }

    func failed(_ diagnostics: String) {
        failure = diagnostics
        send { .reload(generation: $0) }
    }

    private func send(changed: Set<String>) {
        guard changed.count <= Self.changedPathLimit else { return send { .reload(generation: $0) } }
        let paths = changed.flatMap(Self.urlPaths).sorted()
        send { .changed(generation: $0, paths: paths) }
    }

    private func send(_ event: (Int) -> Event) {
        generation += 1
        let event = event(generation)
        for listener in listeners.values { listener.yield(event) }
    }

    /// The URL paths a browser may show an output file under: `drops/a/index.html` is `/drops/a/`.
    static func urlPaths(_ outputPath: String) -> [String] {
        if outputPath == "index.html" { return ["/", "/index.html"] }
        if outputPath.hasSuffix("/index.html") { return ["/" + outputPath.dropLast("index.html".count), "/" + outputPath] }
        return ["/" + outputPath]
    }

    /// A stream of events for one browser tab; it ends when the tab goes away or the server stops.
    func subscribe() -> (UUID, AsyncStream<Event>, generation: Int) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(16))
        listeners[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return (id, stream, generation)
    }

    func unsubscribe(_ id: UUID) { listeners[id] = nil }

    var listenerCount: Int { listeners.count }

    func finishAll() {
        for listener in listeners.values { listener.finish() }
        listeners = [:]
    }
}
