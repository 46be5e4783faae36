import Foundation
import Publisher

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
        case reload(generation: Int)
    }

    private(set) var site: BuiltSite?
    /// The diagnostics of the latest build when it failed; nil while the site builds.
    private(set) var failure: String?
    /// Counts finished builds, good or bad; browsers reload when it moves.
    private(set) var generation = 0
    private var listeners: [UUID: AsyncStream<Event>.Continuation] = [:]

    func succeeded(_ site: BuiltSite) {
        self.site = site
        failure = nil
        finishBuild()
    }

    func failed(_ diagnostics: String) {
        failure = diagnostics
        finishBuild()
    }

    private func finishBuild() {
        generation += 1
        for listener in listeners.values { listener.yield(.reload(generation: generation)) }
    }

    /// A stream of events for one browser tab; it ends when the tab goes away or the server stops.
    func subscribe() -> (UUID, AsyncStream<Event>, generation: Int) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(4))
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
