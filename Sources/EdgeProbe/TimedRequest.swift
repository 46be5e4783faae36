import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Synchronization

/// Where each phase of one request ended, in milliseconds: the phases themselves (`dns`,
/// `connect`, `tls`) and, as curl's `time_starttransfer` and `time_total`, the first byte and
/// the last counted from the start of the DNS lookup.
public struct Timings: Sendable, Equatable, Codable {
    public var dnsMs: Double
    public var connectMs: Double
    /// 0 for plain http.
    public var tlsMs: Double
    public var firstByteMs: Double
    public var totalMs: Double

    enum CodingKeys: String, CodingKey {
        case dnsMs = "dns_ms", connectMs = "connect_ms", tlsMs = "tls_ms", firstByteMs = "first_byte_ms", totalMs = "total_ms"
    }
}

/// The answer to one timed GET: status, headers, and at most `keepBody` bytes of the body.
public struct TimedResponse: Sendable {
    public var status: Int
    /// Names lowercased, in the order received; values stripped of control characters.
    public var headers: [Header]
    public var body: [UInt8]
    /// Body bytes read (up to the read cap).
    public var bytes: Int
    /// The body was longer than the read cap: the connection was closed there.
    public var truncated: Bool
    public var timings: Timings

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
}

public enum ProbeError: Error, Equatable, CustomStringConvertible {
    case resolve(String)
    case connect(String)
    case timeout(Double)
    case malformed(String)
    case closed

    public var description: String {
        switch self {
        case .resolve(let text): "DNS lookup failed: \(text)"
        case .connect(let text): "connection failed: \(text)"
        case .timeout(let seconds): "no complete answer within \(Int(seconds)) s"
        case .malformed(let text): "malformed response: \(text)"
        case .closed: "the connection closed before a response"
        }
    }
}

/// One GET on a fresh connection (DNS, TCP, TLS each time, as a phone arriving at a page), with
/// `Connection: close`; the body is read to its end or to `readCap` bytes.
struct TimedRequest: Sendable {
    var url: ProbeURL
    var range: Bool
    var keepBody: Int
    var readCap: Int
    var timeout: Double

    static let headerCap = 64 * 1024

    func run(group: any EventLoopGroup, tls: NIOSSLContext?) async throws -> TimedResponse {
        let start = NIODeadline.now()
        let address: SocketAddress
        do {
            address = try await Self.resolve(url.host, port: url.port)
        } catch {
            throw ProbeError.resolve("\(url.host): \(error)")
        }
        let resolved = NIODeadline.now()
        let loop = group.next()
        let once = Completion(promise: loop.makePromise(of: Collected.self))
        var request = "GET \(url.target) HTTP/1.1\r\nHost: \(url.hostHeader)\r\nUser-Agent: dropgen-probe\r\n"
        request += "Accept: */*\r\nAccept-Encoding: gzip\r\nConnection: close\r\n"
        if range { request += "Range: bytes=0-\r\n" }
        request += "\r\n"
        let bytes = request
        let serverName = url.isIPLiteral ? nil : url.host
        let settings = (keepBody, readCap, timeout)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        Collector(request: bytes, waitsForTLS: tls != nil, keepBody: settings.0, readCap: settings.1,
                                  timeout: settings.2, once: once))
                }
            }
        do {
            _ = try await bootstrap.connect(to: address).get()
        } catch {
            once.fail(ProbeError.connect("\(url.host):\(url.port): \(error)"))
        }
        let collected = try await once.promise.futureResult.get()
        func ms(_ end: NIODeadline?) -> Double {
            guard let end else { return 0 }
            return Double((end - start).nanoseconds) / 1_000_000
        }
        func between(_ from: NIODeadline, _ to: NIODeadline?) -> Double {
            guard let to else { return 0 }
            return Double((to - from).nanoseconds) / 1_000_000
        }
        let connected = collected.connected ?? resolved
        let timings = Timings(
            dnsMs: between(start, resolved), connectMs: between(resolved, connected),
            tlsMs: tls == nil ? 0 : between(connected, collected.tlsDone),
            firstByteMs: ms(collected.firstByte), totalMs: ms(collected.last))
        return TimedResponse(status: collected.status, headers: collected.headers, body: collected.body, bytes: collected.bodyBytes,
                             truncated: collected.truncated, timings: timings)
    }

    /// getaddrinfo blocks: it runs on a thread of its own, never on the caller's.
    static func resolve(_ host: String, port: Int) async throws -> SocketAddress {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    continuation.resume(returning: try SocketAddress.makeAddressResolvingHost(host, port: port))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

/// What the collector saw, handed over once.
struct Collected: Sendable {
    var connected: NIODeadline?
    var tlsDone: NIODeadline?
    var firstByte: NIODeadline?
    var last: NIODeadline?
    var status = 0
    var headers: [TimedResponse.Header] = []
    var body: [UInt8] = []
    var bodyBytes = 0
    var truncated = false
}

/// A promise completed at most once, from the event loop or from the connect's failure.
final class Completion: Sendable {
    let promise: EventLoopPromise<Collected>
    private let done = Mutex(false)

    init(promise: EventLoopPromise<Collected>) { self.promise = promise }

    private func claim() -> Bool {
        done.withLock { done in
            if done { return false }
            done = true
            return true
        }
    }

    func succeed(_ value: Collected) { if claim() { promise.succeed(value) } }
    func fail(_ error: any Error) { if claim() { promise.fail(error) } }
}

/// Writes the request once the connection (and TLS) is up, stamps the first and last byte,
/// parses the status line and headers, counts the body.
private final class Collector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let request: String
    let waitsForTLS: Bool
    let keepBody: Int
    let readCap: Int
    let timeout: Double
    let once: Completion
    var result = Collected()
    var head: [UInt8] = []
    var headerDone = false
    var contentLength: Int?
    var timer: Scheduled<Void>?

    init(request: String, waitsForTLS: Bool, keepBody: Int, readCap: Int, timeout: Double, once: Completion) {
        self.request = request
        self.waitsForTLS = waitsForTLS
        self.keepBody = keepBody
        self.readCap = readCap
        self.timeout = timeout
        self.once = once
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let once = once, timeout = timeout
        timer = context.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            once.fail(ProbeError.timeout(timeout))
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        finish()
    }

    func channelActive(context: ChannelHandlerContext) {
        result.connected = .now()
        if !waitsForTLS { send(context) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            result.tlsDone = .now()
            send(context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func send(_ context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let now = NIODeadline.now()
        if result.firstByte == nil { result.firstByte = now }
        result.last = now
        var bytes = ArraySlice(buffer.readableBytesView)
        if !headerDone {
            head += bytes
            guard let end = Self.headerEnd(head) else {
                if head.count > TimedRequest.headerCap {
                    once.fail(ProbeError.malformed("headers longer than \(TimedRequest.headerCap / 1024) KB"))
                    context.close(promise: nil)
                }
                return
            }
            headerDone = true
            do { try parseHead(Array(head[..<end])) } catch {
                once.fail(error)
                context.close(promise: nil)
                return
            }
            bytes = head[(end + 4)...]
        }
        result.bodyBytes += bytes.count
        if result.body.count < keepBody { result.body += bytes.prefix(keepBody - result.body.count) }
        if result.bodyBytes >= readCap, contentLength.map({ result.bodyBytes < $0 }) ?? true {
            result.truncated = true
            finishAndClose(context)
        } else if let contentLength, result.bodyBytes >= contentLength {
            finishAndClose(context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A TLS peer that closes without close_notify after a whole response: the answer stands.
        if headerDone { finish() } else { once.fail(error) }
        context.close(promise: nil)
    }

    private func finishAndClose(_ context: ChannelHandlerContext) {
        finish()
        context.close(promise: nil)
    }

    private func finish() {
        timer?.cancel()
        if headerDone { once.succeed(result) } else { once.fail(ProbeError.closed) }
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func parseHead(_ bytes: [UInt8]) throws {
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let status = lines[0].split(separator: " ", maxSplits: 2)
        guard status.count >= 2, status[0].hasPrefix("HTTP/"), let code = Int(status[1]), (100...599).contains(code) else {
            throw ProbeError.malformed("status line \"\(ProbeText.clean(lines[0]))\"")
        }
        result.status = code
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            result.headers.append(.init(name: ProbeText.clean(name), value: ProbeText.clean(value)))
            if name == "content-length" { contentLength = Int(value) }
        }
    }
}

/// Text from a server is untrusted: control characters dropped, length bounded.
enum ProbeText {
    static func clean(_ text: String, limit: Int = 300) -> String {
        let kept = text.unicodeScalars.filter { !($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) }
        var result = String(String.UnicodeScalarView(kept))
        if result.count > limit { result = String(result.prefix(limit)) + "…" }
        return result
    }
}
