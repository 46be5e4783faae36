import Foundation
import NIOCore
import NIOPosix
import SiteManifest
import Testing
@testable import EdgeProbe

/// A scripted HTTP/1.1 server on 127.0.0.1 (port 0): each path answers with fixed headers and
/// body, and media waits `mediaDelay` before its first byte. Closed by the test that starts it.
private final class ScriptedHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let routes: [String: (headers: String, body: String)]
    let mediaDelay: TimeAmount
    var received: [UInt8] = []
    var answered = false

    init(routes: [String: (headers: String, body: String)], mediaDelay: TimeAmount) {
        self.routes = routes
        self.mediaDelay = mediaDelay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytesView
        guard !answered, let text = String(bytes: received, encoding: .utf8), text.contains("\r\n\r\n") else { return }
        answered = true
        let path = String(text.split(separator: " ")[1])
        let (headers, body) = routes[path] ?? ("", "not found")
        let status = routes[path] == nil ? "404 Not Found" : text.contains("Range: bytes=0-") ? "206 Partial Content" : "200 OK"
        let response = "HTTP/1.1 \(status)\r\nContent-Length: \(body.utf8.count)\r\n\(headers)Connection: close\r\n\r\n\(body)"
        let delay = path.hasPrefix("/media/") ? mediaDelay : .zero
        let loop = context.eventLoop.assumeIsolated()
        loop.scheduleTask(in: delay) {
            context.writeAndFlush(self.wrapOutboundOut(context.channel.allocator.buffer(string: response))).whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }
}

private func startServer(mediaDelay: TimeAmount, homeCacheControl: String) async throws -> (any Channel, Int) {
    let html = EdgeRules.defaultRevalidateCacheControl, immutable = EdgeRules.immutableCacheControl
    let home = """
        <!DOCTYPE html><a href="/drops/mugs/">Mugs</a><a href="/drops/">All</a>
        <video class="hero" poster="/media/mugs-poster.0123456789.webp"><source src="/media/mugs.0123456789.mp4" type="video/mp4"></video>
        """
    let routes: [String: (headers: String, body: String)] = [
        "/": ("Cache-Control: \(homeCacheControl)\r\nCF-Cache-Status: HIT\r\nAge: 12\r\n", home),
        "/drops/mugs/": ("Cache-Control: \(html)\r\n", "<video poster=\"/media/mugs-poster.0123456789.webp\"></video>"),
        "/media/mugs.0123456789.mp4": ("Cache-Control: \(immutable)\r\n", String(repeating: "v", count: 4096)),
        "/media/mugs-poster.0123456789.webp": ("Cache-Control: \(immutable)\r\n", String(repeating: "p", count: 512)),
    ]
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ScriptedHandler(routes: routes, mediaDelay: mediaDelay))
            }
        }
        .bind(host: "127.0.0.1", port: 0).get()
    return (channel, channel.localAddress!.port!)
}

@Suite struct ProbeTests {
    @Test func measuresTheFirstByteDelayAndFlagsWrongHeadersAndTheBudget() async throws {
        let (server, port) = try await startServer(mediaDelay: .milliseconds(150), homeCacheControl: "public, max-age=600")
        var options = EdgeProbe.Options(base: ProbeURL("http://127.0.0.1:\(port)/")!)
        options.samples = 2
        let report = try await EdgeProbe.run(options, probedAt: "2026-12-01T00:00:00Z")
        try await server.close()

        #expect(report.objects.map { "\($0.kind.rawValue) \($0.path)" } == [
            "home /", "product /drops/mugs/", "hero_clip /media/mugs.0123456789.mp4", "poster /media/mugs-poster.0123456789.webp",
        ])
        #expect(report.requests == 8)
        let clip = try #require(report.kinds.first { $0.kind == .heroClip })
        // The server held the first byte back 150 ms: the figure reflects it (timers may only be late).
        #expect(try #require(clip.firstByteP50Ms) >= 150)
        #expect(report.objects[2].samples.allSatisfy { $0.status == 206 && $0.bytes == 4096 })
        #expect(report.objects[0].samples[0].cache == "age: 12; cf-cache-status: HIT")
        #expect(report.problems.contains(
            "/: Cache-Control \"public, max-age=600\"; expected \"public, max-age=0, must-revalidate\" (revalidated)"))
        #expect(report.problems.contains { $0.hasPrefix("hero_clip: p95 first byte ") && $0.hasSuffix(" ms is over budgets.hero_first_byte_ms (120.0 ms)") })
        #expect(!report.passed)

        let log = ProbeLog.lines(report)
        #expect(log.count == 8 && log[0].hasPrefix("2026-12-01T00:00:00Z,http://127.0.0.1:\(port)/,home,/,1,200,"))
        #expect(log[0].hasSuffix(",age: 12; cf-cache-status: HIT"))
    }

    @Test func passesWithinBudgetAndRightHeaders() async throws {
        let (server, port) = try await startServer(mediaDelay: .zero, homeCacheControl: EdgeRules.defaultRevalidateCacheControl)
        var options = EdgeProbe.Options(base: ProbeURL("http://127.0.0.1:\(port)/")!)
        options.samples = 1
        options.heroFirstByteBudgetMs = 10_000
        let report = try await EdgeProbe.run(options, probedAt: "2026-12-01T00:00:00Z")
        try await server.close()
        #expect(report.problems == [])
    }

    @Test(arguments: [
        ("/", "public, max-age=0, must-revalidate"),
        ("/drops/mugs/", "public, max-age=0, must-revalidate"),
        ("/media/mugs.0123456789.mp4", "public, max-age=31536000, immutable"),
        ("/live.json", EdgeRules.defaultLiveCacheControl),
    ])
    func expectedCacheControlFollowsTheEdgeRules(path: String, expected: String) {
        #expect(HeaderRules().expected(forPath: path).1 == expected)
        #expect(HeaderRules().problem(path: path, cacheControl: expected.uppercased().replacingOccurrences(of: ", ", with: ",")) == nil)
    }

    @Test func pageReferencesFindProductPagesAndHeroMedia() {
        let found = PageReferences.scan("""
            <a href="/drops/mugs/">x</a><a href='/drops/page/2/'>p</a><a href="https://m.example/drops/bowls/">b</a><a href=/drops/mugs/>again</a>
            <img src="/media/still.webp"><video poster="/p.webp" src="/a.mp4"><source src="/b.webm"></video><source src="/outside.mp4">
            """)
        #expect(found == PageReferences(productPages: ["/drops/mugs/", "https://m.example/drops/bowls/"], heroClips: ["/a.mp4", "/b.webm"],
                                        posters: ["/p.webp"]))
    }
}
