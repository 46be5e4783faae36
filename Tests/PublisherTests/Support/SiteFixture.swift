import Crypto
import Foundation
@testable import Publisher
@testable import SiteManifest

/// A small built site in a temp folder: hashed CSS and image, pages referencing them, a feed,
/// robots.txt, catalog.json, and the build manifest, as SiteBuilder writes them.
struct SiteFixture {
    let root: URL
    var build: URL { root.appendingPathComponent("public") }

    init(root: URL = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-pub-\(UUID().uuidString)")) throws {
        self.root = root
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Versions: 1 base; 2 changes one drop page; 3 changes the stylesheet (new hashed name and
    /// every page); 4 changes the stylesheet again.
    static func files(version: Int) -> [String: Data] {
        let css = Data("body{color:#\(["000", "000", "000", "a00", "0a0"][min(version, 4)])}\n".utf8)
        let cssName = "assets/app.\(shortHash(css)).css"
        var image = Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        image.append(contentsOf: [UInt8](repeating: 0x42, count: 64))
        let imageName = "media/hero.\(shortHash(image)).webp"
        func page(_ title: String, _ body: String) -> Data {
            Data("""
            <!doctype html><html><head><title>\(title)</title><link rel="stylesheet" href="/\(cssName)"></head>
            <body><img src="/\(imageName)" alt=""><main>\(body)</main></body></html>\n
            """.utf8)
        }
        return [
            cssName: css,
            imageName: image,
            "index.html": page("Drops", "<a href=\"/drops/a/\">A</a> <a href=\"/drops/b/\">B</a>"),
            "drops/a/index.html": page("A", "Drop A, 40 EUR"),
            "drops/b/index.html": page("B", version >= 2 ? "Drop B, 55 EUR (restocked)" : "Drop B, 50 EUR"),
            "feed.xml": Data("<feed><title>Drops</title><entry>a</entry><entry>b</entry></feed>\n".utf8),
            "robots.txt": Data("User-agent: *\nAllow: /\n".utf8),
            "catalog.json": Data("{\"drops\":[\"a\",\"b\"]}\n".utf8),
        ]
    }

    static func shortHash(_ data: Data) -> String { String(SHA256.hash(data: data).hex.prefix(10)) }

    /// Replaces the build folder with `version` and its manifest; returns the manifest.
    @discardableResult
    func build(version: Int) throws -> BuildManifest {
        try? FileManager.default.removeItem(at: build)
        var entries: [BuildManifest.Entry] = []
        for (path, data) in Self.files(version: version) {
            let url = build.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            entries.append(BuildManifest.Entry(path: path, bytes: data))
        }
        let manifest = BuildManifest(files: entries)
        let url = build.appendingPathComponent(BuildManifest.relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manifest.encoded().write(to: url)
        return manifest
    }
}

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date()) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    var function: @Sendable () -> Date { { [self] in self.now } }
}

/// Page references (`href="/…"`, `src="/…"`) as target keys; directory links map to index.html.
func references(inHTML data: Data) -> [String] {
    let text = String(decoding: data, as: UTF8.self)
    var refs: [String] = []
    for attribute in ["href=\"/", "src=\"/"] {
        var rest = Substring(text)
        while let start = rest.range(of: attribute) {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            var path = String(rest[..<end])
            if path.isEmpty || path.hasSuffix("/") { path += "index.html" }
            refs.append(path)
            rest = rest[end...]
        }
    }
    return refs.sorted()
}

/// Every HTML object on the target references only objects the target holds.
func brokenReferences(on target: any PublishTarget) async throws -> [String] {
    let listing = try await target.list(prefix: "")
    let keys = Set(listing.map(\.key))
    var broken: [String] = []
    for object in listing where object.key.hasSuffix(".html") {
        guard let data = try await target.get(object.key) else { continue }
        for ref in references(inHTML: data) where !keys.contains(ref) {
            broken.append("\(object.key) → \(ref)")
        }
    }
    return broken.sorted()
}

/// Wraps a real target: logs every put, checks at each page put that everything the page
/// references is already stored (the shopper-side invariant, at every moment), and can fail
/// after a number of puts to simulate an interrupted deploy.
final class RecordingTarget: PublishTarget, @unchecked Sendable {
    let base: any PublishTarget
    private let lock = NSLock()
    private var failAfter: Int?
    private var _puts: [String] = []
    private var _created: [String] = []
    private var _violations: [String] = []

    struct Interrupted: Error {}

    init(_ base: any PublishTarget, failAfterPuts: Int? = nil) {
        self.base = base
        self.failAfter = failAfterPuts
    }

    var puts: [String] { lock.withLock { _puts } }
    var created: [String] { lock.withLock { _created } }
    var violations: [String] { lock.withLock { _violations } }

    var displayName: String { base.displayName }
    var counters: RequestCounters { base.counters }

    func list(prefix: String) async throws -> [RemoteObject] { try await base.list(prefix: prefix) }
    func head(_ key: String) async throws -> RemoteObject? { try await base.head(key) }
    func get(_ key: String) async throws -> Data? { try await base.get(key) }
    func delete(_ key: String) async throws { try await base.delete(key) }
    func didChangeLive() async throws { try await base.didChangeLive() }
    func open(forWriting: Bool) async throws { try await base.open(forWriting: forWriting) }

    func copy(from source: String, to key: String, headers: ObjectHeaders) async throws {
        try await base.copy(from: source, to: key, headers: headers)
    }

    func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool) async throws -> PutResult {
        let stop: Bool = lock.withLock {
            if let limit = failAfter, _puts.count >= limit { return true }
            _puts.append(key)
            return false
        }
        if stop { throw Interrupted() }
        if key.hasSuffix(".html") {
            // Assets must be in place before any page naming them. (Links between pages are
            // ordered by the new-pages-first group and checked on the final state.)
            for ref in references(inHTML: body) where !ref.hasSuffix(".html") {
                guard try await base.head(ref) == nil else { continue }
                lock.withLock { _violations.append("\(key) put before \(ref) existed") }
            }
        }
        let result = try await base.put(key, body: body, headers: headers, createOnly: createOnly)
        if result == .created { lock.withLock { _created.append(key) } }
        return result
    }
}
