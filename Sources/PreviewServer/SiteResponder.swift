import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SiteManifest

/// Answers requests from the built folder the way the edge does: Content-Type and Cache-Control
/// from `EdgeRules`, strong ETags from the manifest, 304s, byte ranges, `/x/` → `x/index.html`
/// and the theme's 404 page. Adds only what a preview needs: the live-reload script in HTML,
/// the event stream, and an error page while the site does not build.
struct SiteResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let state: PreviewState
    /// `Options.htmlCacheControl`: the site's `publish.html_cache_control`, or the default.
    var revalidateCacheControl = EdgeRules.defaultRevalidateCacheControl
    /// `Options.liveCacheControl`: the site's `publish.live_cache_control`, or the default.
    var liveCacheControl = EdgeRules.defaultLiveCacheControl

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD"])
        }
        let path = request.uri.path
        if path == LiveReload.eventsPath { return await events() }
        let response = await file(path: path, headers: request.headers)
        return request.method == .head ? response.createHeadResponse() : response
    }

    /// Server-sent events: `hello` with the current generation on connect, then `reload` (every
    /// tab) or `changed` with the URL paths whose files changed, after each build or preview.
    func events() async -> Response {
        let (_, stream, generation) = await state.subscribe()
        let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 500\nevent: hello\ndata: \(generation)\n\n"))
            for await event in stream {
                switch event {
                case .reload(let generation):
                    try await writer.write(ByteBuffer(string: "event: reload\ndata: \(generation)\n\n"))
                case .changed(let generation, let paths):
                    let data = try JSONEncoder.compact.encode(ChangedEvent(generation: generation, paths: paths))
                    try await writer.write(ByteBuffer(string: "event: changed\ndata: \(String(decoding: data, as: UTF8.self))\n\n"))
                }
            }
            try await writer.finish(nil)
        })
    }

    func file(path rawPath: String, headers: HTTPFields) async -> Response {
        let failure = await state.failure
        guard let target = Self.outputPath(rawPath) else { return plain(.badRequest, "bad path\n") }
        if let failure, Self.wantsHTML(target, headers: headers) {
            return Response(status: .internalServerError,
                            headers: [.contentType: EdgeRules.contentType(for: "x.html"), .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: LiveReload.errorPage(failure))))
        }
        guard let site = await state.site else { return plain(.serviceUnavailable, "the site has not built yet\n") }
        guard let (entry, url) = Self.locate(target, in: site) else {
            return await notFound(site)
        }
        let etag = "\"\(entry.sha256)\""
        var fields: HTTPFields = [
            .contentType: entry.contentType,
            .cacheControl: EdgeRules.cacheControl(for: entry.cacheClass, revalidate: revalidateCacheControl, live: liveCacheControl),
            .eTag: etag,
            .acceptRanges: "bytes",
        ]
        for extra in EdgeRules.extraHeaders(for: entry.cacheClass) {
            if let name = HTTPField.Name(extra.name) { fields[name] = extra.value }
        }
        if let match = headers[.ifNoneMatch], Self.matches(match, etag: etag) {
            return Response(status: .notModified, headers: fields)
        }
        let isHTML = entry.contentType.hasPrefix("text/html")
        // HTML is small and gets the reload script, so it is read whole; other files are read
        // only as far as a range asks, so a seek in a long clip stays cheap.
        var size = entry.size
        var html: Data?
        if isHTML {
            guard let data = try? Data(contentsOf: url) else { return await notFound(site) }
            html = LiveReload.inject(into: data)
            size = html!.count
        }
        var range = ByteRange.ignored
        if let header = headers[.range] {
            // If-Range: a range of an older version is useless, so send the whole current file.
            if let condition = headers[.ifRange], condition != etag { range = .ignored } else { range = ByteRange.parse(header, size: size) }
        }
        switch range {
        case .unsatisfiable:
            fields[.contentRange] = "bytes */\(size)"
            fields[.contentType] = nil
            return Response(status: .rangeNotSatisfiable, headers: fields)
        case .satisfiable(let bytes):
            fields[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)"
            let data = html.map { Data($0[bytes]) } ?? Self.read(url, bytes: bytes)
            guard let data else { return await notFound(site) }
            return Response(status: .partialContent, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        case .ignored:
            let data = html ?? (try? Data(contentsOf: url, options: .mappedIfSafe))
            guard let data else { return await notFound(site) }
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// The theme's 404.html with status 404, as the edge is configured to answer.
    func notFound(_ site: BuiltSite) async -> Response {
        guard let data = try? Data(contentsOf: site.folder.appendingPathComponent("404.html")) else {
            return plain(.notFound, "not found\n")
        }
        return Response(status: .notFound,
                        headers: [.contentType: EdgeRules.contentType(for: "404.html"),
                                  .cacheControl: EdgeRules.cacheControl(for: EdgeRules.cacheClass(for: "404.html"), revalidate: revalidateCacheControl)],
                        body: .init(byteBuffer: ByteBuffer(bytes: LiveReload.inject(into: data))))
    }

    func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `/drops/mugs/` → `drops/mugs/index.html`; nil for paths that try to leave the folder.
    static func outputPath(_ rawPath: String) -> String? {
        guard let decoded = rawPath.removingPercentEncoding, decoded.hasPrefix("/") else { return nil }
        let segments = decoded.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard !segments.contains(where: { $0 == ".." || $0 == "." }), !decoded.contains("\0") else { return nil }
        var path = String(decoded.dropFirst())
        if path.isEmpty || path.hasSuffix("/") { path += "index.html" }
        return path
    }

    /// The manifest entry and file of an output path. `.dropgen/` files are outside the manifest
    /// (it cannot list itself) but are published, so they are hashed as they are read.
    static func locate(_ path: String, in site: BuiltSite) -> (BuildManifest.Entry, URL)? {
        let url = site.folder.appendingPathComponent(path)
        if let entry = site.entries[path] { return (entry, url) }
        guard path.hasPrefix(".dropgen/"), let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return (BuildManifest.Entry(path: path, bytes: data), url)
    }

    static func read(_ url: URL, bytes: ClosedRange<Int>) -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: UInt64(bytes.lowerBound))) != nil else { return nil }
        return try? handle.read(upToCount: bytes.count)
    }

    /// `If-None-Match` uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`.
    static func matches(_ header: String, etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }

    /// Page requests get the error page while the build is broken; assets keep the last good build.
    static func wantsHTML(_ path: String, headers: HTTPFields) -> Bool {
        path.hasSuffix(".html") || (headers[.accept]?.contains("text/html") ?? false)
    }
}

/// The data of a `changed` event.
struct ChangedEvent: Codable, Equatable {
    var generation: Int
    var paths: [String]
}

extension JSONEncoder {
    /// One line, keys sorted, slashes as they are: what an event's `data:` line needs.
    static var compact: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
