import AsyncHTTPClient
import Foundation
import NIOCore
import SiteManifest
import StockLedger
import Testing
@testable import PreviewServer

/// Starts the real server on a free loopback port over a small site and talks HTTP to it.
@Suite(.serialized) struct PreviewServerTests {
    static let config = """
        title: Preview Market
        base_url: https://preview.example
        currency: EUR
        timezone: Europe/Berlin

        """

    static let files: [String: String] = [
        "dropgen.yaml": config,
        "content/creators/mara.md": "---\nname: Mara\n---\nThrows mugs.\n",
        "content/drops/mugs.md": """
            ---
            title: Speckled mugs
            creator: mara
            price: 34
            opens: 2026-12-04T18:00:00+01:00
            closes: 2026-12-06T18:00:00+01:00
            ---
            Twenty-four mugs.

            """,
    ]

    /// Bytes 0, 1, 2, … 255, 0, … so any range is easy to check.
    static let clip = Data((0..<1000).map { UInt8($0 % 256) })

    final class Running: Sendable {
        let root: URL
        let port: Int
        let task: Task<Void, any Error>
        let client = HTTPClient(eventLoopGroupProvider: .singleton)

        init(root: URL, port: Int, task: Task<Void, any Error>) {
            self.root = root
            self.port = port
            self.task = task
        }

        func get(_ path: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: [String: String], body: Data) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let response = try await client.execute(request, timeout: .seconds(20))
            var fields: [String: String] = [:]
            for header in response.headers { fields[header.name.lowercased()] = header.value }
            let body = try await response.body.collect(upTo: 10 << 20)
            return (Int(response.status.code), fields, Data(body.readableBytesView))
        }

        func write(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        func stop() async throws {
            task.cancel()
            _ = await task.result
            try await client.shutdown()
        }
    }

    static func start(htmlCacheControl: String = EdgeRules.defaultRevalidateCacheControl,
                      liveCacheControl: String = EdgeRules.defaultLiveCacheControl, stock: StockLedger? = nil,
                      extra: [String: String] = [:]) async throws -> Running {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-serve-\(UUID().uuidString)")
        for (path, text) in files.merging(extra, uniquingKeysWith: { _, new in new }) {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("static"), withIntermediateDirectories: true)
        try clip.write(to: root.appendingPathComponent("static/clip.mp4"))

        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let options = PreviewServer.Options(siteRoot: root, port: 0, now: Date(timeIntervalSince1970: 1_796_000_000),
                                            pollInterval: .milliseconds(50), htmlCacheControl: htmlCacheControl,
                                            liveCacheControl: liveCacheControl, stock: stock)
        let server = PreviewServer(options: options) { event in
            if case .listening(_, let port) = event { continuation.yield(port) }
        }
        let task = Task { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        let first = await iterator.next()
        let port = try #require(first)
        return Running(root: root, port: port, task: task)
    }

    @Test func servesPagesWithEdgeHeadersAndConditionalRequests() async throws {
        let server = try await Self.start()
        do {
            let page = try await server.get("/drops/mugs/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.headers["cache-control"] == EdgeRules.defaultRevalidateCacheControl)
            let etag = try #require(page.headers["etag"])
            #expect(etag.hasPrefix("\"") && etag.count == 66)
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("Speckled mugs"))
            #expect(html.contains(LiveReload.eventsPath))

            let again = try await server.get("/drops/mugs/", headers: [("If-None-Match", etag)])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.headers["etag"] == etag)
            let other = try await server.get("/drops/mugs/", headers: [("If-None-Match", "\"0000\"")])
            #expect(other.status == 200)

            // The injected script exists only on the wire: the built file has none.
            let manifest = try await server.get("/.dropgen/manifest.json")
            #expect(manifest.status == 200)
            let entries = try BuildManifest.decode(manifest.body).files
            let pageEntry = try #require(entries.first { $0.path == "drops/mugs/index.html" })
            #expect(etag == "\"\(pageEntry.sha256)\"")

            // A content-hashed asset is immutable at the edge, so here too.
            let hashed = try #require(entries.first { $0.hashed && $0.path.hasSuffix(".css") })
            let css = try await server.get("/" + hashed.path)
            #expect(css.status == 200)
            #expect(css.headers["cache-control"] == "public, max-age=31536000, immutable")
            #expect(css.headers["content-type"] == "text/css; charset=utf-8")

            let missing = try await server.get("/no/such/page/")
            #expect(missing.status == 404)
            #expect(String(decoding: missing.body, as: UTF8.self).contains("Not found"))
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    /// `publish.html_cache_control` reaches the preview as an option (the CLI reads it): pages,
    /// the manifest and the 404 page get it, hashed assets stay immutable.
    @Test func servesRevalidatedFilesWithTheGivenCacheControl() async throws {
        let server = try await Self.start(htmlCacheControl: "public, max-age=60, stale-while-revalidate=30")
        do {
            let page = try await server.get("/drops/mugs/")
            #expect(page.status == 200)
            #expect(page.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=30")
            let manifest = try await server.get("/.dropgen/manifest.json")
            #expect(manifest.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=30")
            let missing = try await server.get("/no/such/page/")
            #expect(missing.status == 404)
            #expect(missing.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=30")
            let entries = try BuildManifest.decode(manifest.body).files
            let hashed = try #require(entries.first { $0.hashed && $0.path.hasSuffix(".css") })
            #expect(try await server.get("/" + hashed.path).headers["cache-control"] == "public, max-age=31536000, immutable")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    /// The live files, as the edge serves them: their own short Cache-Control
    /// (`publish.live_cache_control`), JSON, a Date header for the script's clock, and the
    /// stock of the ledger `serve` was given.
    @Test(arguments: [EdgeRules.defaultLiveCacheControl, "public, max-age=2"])
    func servesLiveFilesWithTheLiveCacheControl(_ cacheControl: String) async throws {
        var ledger = StockLedger.empty
        _ = ledger.apply(StockEvent(id: "set-1", drop: "mugs", change: .remaining(3), at: Date(timeIntervalSince1970: 1_795_999_000),
                                    source: "set"), opening: nil)
        let server = try await Self.start(liveCacheControl: cacheControl, stock: ledger)
        do {
            let expected = #"{"remaining":3,"state":"scheduled","updated":"2026-11-30T00:36:40Z"}"# + "\n"
            for (path, body) in [("/live/mugs.json", expected), ("/live.json", #"{"drops":{"mugs":"# + expected.dropLast() + "}}\n")] {
                let live = try await server.get(path)
                #expect(live.status == 200)
                #expect(String(decoding: live.body, as: UTF8.self) == body)
                #expect(live.headers["cache-control"] == cacheControl)
                #expect(live.headers["content-type"] == "application/json; charset=utf-8")
                #expect(live.headers["date"] != nil)
            }
            // Pages keep the HTML rule.
            #expect(try await server.get("/drops/mugs/").headers["cache-control"] == EdgeRules.defaultRevalidateCacheControl)
            #expect(try await server.get("/live/nothing.json").status == 404)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    /// Anything under `access/` (the personal early-access pages) as the edge serves it: kept by
    /// no cache and never indexed.
    @Test func servesPrivateFilesUncachedAndUnindexed() async throws {
        let server = try await Self.start(extra: ["static/access/abc/index.html": "<p>yours</p>\n"])
        do {
            let page = try await server.get("/access/abc/")
            #expect(page.status == 200)
            #expect(page.headers["cache-control"] == "private, no-store")
            #expect(page.headers["x-robots-tag"] == "noindex")
            #expect(try await server.get("/drops/mugs/").headers["x-robots-tag"] == nil)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test func servesByteRangesOfVideo() async throws {
        let server = try await Self.start()
        do {
            let whole = try await server.get("/clip.mp4")
            #expect(whole.status == 200)
            #expect(whole.headers["content-type"] == "video/mp4")
            #expect(whole.headers["accept-ranges"] == "bytes")
            #expect(whole.body == Self.clip)

            let part = try await server.get("/clip.mp4", headers: [("Range", "bytes=100-199")])
            #expect(part.status == 206)
            #expect(part.headers["content-range"] == "bytes 100-199/1000")
            #expect(part.headers["content-length"] == "100")
            #expect(part.body == Self.clip[100...199])

            let tail = try await server.get("/clip.mp4", headers: [("Range", "bytes=-10")])
            #expect(tail.status == 206)
            #expect(tail.body == Self.clip.suffix(10))

            let beyond = try await server.get("/clip.mp4", headers: [("Range", "bytes=5000-")])
            #expect(beyond.status == 416)
            #expect(beyond.headers["content-range"] == "bytes */1000")
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test func editsRebuildAndSendReloadEvents() async throws {
        let server = try await Self.start()
        do {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(LiveReload.eventsPath)")
            request.headers.add(name: "Accept", value: "text/event-stream")
            let response = try await server.client.execute(request, timeout: .seconds(60))
            #expect(response.headers.first(name: "content-type") == "text/event-stream; charset=utf-8")
            var body = response.body.makeAsyncIterator()
            var received = ""
            func waitFor(_ needle: String) async throws {
                let deadline = ContinuousClock.now + .seconds(30)
                while !received.contains(needle) {
                    #expect(ContinuousClock.now < deadline, "no \(needle) within 30 s; got \(received)")
                    guard ContinuousClock.now < deadline, let chunk = try await body.next() else { return }
                    received += String(buffer: chunk)
                }
            }
            try await waitFor("event: hello\ndata: 1\n")

            // The edited drop's page comes first, on its own; then the rebuild, which lists what
            // else changed (the home page shows the new title).
            try server.write("content/drops/mugs.md", Self.files["content/drops/mugs.md"]!
                .replacingOccurrences(of: "Twenty-four", with: "Thirty").replacingOccurrences(of: "Speckled mugs", with: "Glazed mugs"))
            try await waitFor("event: changed\ndata: {\"generation\":2,\"paths\":[\"/drops/mugs/\",\"/drops/mugs/index.html\"]}\n")
            let page = try await server.get("/drops/mugs/")
            #expect(String(decoding: page.body, as: UTF8.self).contains("Thirty mugs."))
            try await waitFor("event: changed\ndata: {\"generation\":3,")
            let rebuilt = received.components(separatedBy: "\"generation\":3,").last ?? ""
            #expect(rebuilt.contains("\"/\"") && !rebuilt.contains("\"/drops/mugs/\""), "\(rebuilt)")
            // The rebuild made the same page: same ETag, still fresh for the browser.
            let etag = try #require(page.headers["etag"])
            #expect(try await server.get("/drops/mugs/", headers: [("If-None-Match", etag)]).status == 304)

            // A broken site: the browser gets the diagnostics, assets still come from the last good build.
            try server.write("content/drops/mugs.md", Self.files["content/drops/mugs.md"]!.replacingOccurrences(of: "price: 34", with: "prize: 34"))
            try await waitFor("event: reload\ndata: 4\n")
            let broken = try await server.get("/drops/mugs/", headers: [("Accept", "text/html")])
            #expect(broken.status == 500)
            let text = String(decoding: broken.body, as: UTF8.self)
            #expect(text.contains("content/drops/mugs.md:4:1: prize: unknown key; did you mean `price`?"))
            #expect(text.contains(LiveReload.eventsPath))
            let clip = try await server.get("/clip.mp4")
            #expect(clip.status == 200)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    /// Edits, new folders, removals and renames are reported once each, by path; dot files and
    /// files outside the inputs never are. Both ways of watching behave the same.
    @Test(arguments: [true, false]) func watcherReportsWhatChanged(eventDriven: Bool) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try write("dropgen.yaml", "title: x\n")
        try write("content/drops/a.md", "a")
        let watcher = SiteWatcher(root: root, pollInterval: .milliseconds(30), quietPeriod: .milliseconds(30), eventDriven: eventDriven)
        defer { watcher.stop() }
        #if os(Linux)
        #expect(watcher.isEventDriven == eventDriven)
        #endif
        let steps: [(String, () throws -> Void, [String])] = [
            ("edit", { try write("content/drops/a.md", "a, edited") }, ["content/drops/a.md"]),
            ("new folder", { try write("content/drops/b/index.md", "b") }, ["content/drops/b/index.md"]),
            ("dot file and outside", { try write("content/drops/.a.md.swp", "x"); try write("notes.txt", "x"); try write("dropgen.yaml", "title: y\n") },
             ["dropgen.yaml"]),
            ("removed folder", { try FileManager.default.removeItem(at: root.appendingPathComponent("content/drops/b")) }, ["content/drops/b/index.md"]),
            ("rename", { try FileManager.default.moveItem(at: root.appendingPathComponent("content/drops/a.md"),
                                                          to: root.appendingPathComponent("content/drops/c.md")) },
             ["content/drops/a.md", "content/drops/c.md"]),
        ]
        for (name, change, expected) in steps {
            try change()
            let changed = try await withThrowingTaskGroup(of: [String]?.self) { group in
                group.addTask { try await watcher.nextChange() }
                group.addTask { try await Task.sleep(for: .seconds(10)); return nil }
                defer { group.cancelAll() }
                return try await group.next()!
            }
            #expect(changed == expected, "\(name)")
        }
    }

    @Test func rangeParsing() {
        #expect(ByteRange.parse("bytes=0-0", size: 10) == .satisfiable(0...0))
        #expect(ByteRange.parse("bytes=5-", size: 10) == .satisfiable(5...9))
        #expect(ByteRange.parse("bytes=5-100", size: 10) == .satisfiable(5...9))
        #expect(ByteRange.parse("bytes=-3", size: 10) == .satisfiable(7...9))
        #expect(ByteRange.parse("bytes=-30", size: 10) == .satisfiable(0...9))
        #expect(ByteRange.parse("bytes=10-", size: 10) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-0", size: 10) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=0-1,4-5", size: 10) == .ignored)
        #expect(ByteRange.parse("items=0-1", size: 10) == .ignored)
        #expect(ByteRange.parse("bytes=4-2", size: 10) == .ignored)
    }

    @Test func pathsStayInsideTheOutput() {
        #expect(SiteResponder.outputPath("/") == "index.html")
        #expect(SiteResponder.outputPath("/drops/mugs/") == "drops/mugs/index.html")
        #expect(SiteResponder.outputPath("/caf%C3%A9.css") == "café.css")
        #expect(SiteResponder.outputPath("/../etc/passwd") == nil)
        #expect(SiteResponder.outputPath("/a/%2e%2e/b") == nil)
        #expect(SiteResponder.matches("W/\"abc\", \"def\"", etag: "\"abc\""))
        #expect(SiteResponder.matches("*", etag: "\"abc\""))
        #expect(!SiteResponder.matches("\"abcd\"", etag: "\"abc\""))
    }
}
