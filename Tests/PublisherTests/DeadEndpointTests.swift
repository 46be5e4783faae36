import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import SiteSource
import Testing
@testable import Publisher

#if canImport(Glibc)
import Glibc
#endif

/// A store that cannot be reached fails the publish at once; failures that can heal are retried
/// with backoff; and nothing runs past `publish.deadline`.
@Suite struct DeadEndpointTests {
    // MARK: - What is retried

    /// HTTP answers: throttling and server errors are retried, the rest are final.
    @Test(arguments: [
        (200, nil, false), (400, nil, false), (403, nil, false), (404, nil, false), (409, nil, false), (412, nil, false),
        (429, nil, true), (500, nil, true), (502, nil, true), (503, "SlowDown", true), (504, nil, true),
        (400, "RequestTimeout", true), (403, "RequestTimeTooSkewed", false), (403, "AccessDenied", false),
    ] as [(Int, String?, Bool)])
    func answers(status: Int, code: String?, retried: Bool) {
        #expect(RetryPolicy.isRetryable(status: status, code: code) == retried)
    }

    /// Failures without an answer: only those that say the endpoint is not there are final.
    @Test func failuresWithoutAnAnswer() {
        let table: [(any Error, RetryPolicy.Failure)] = [
            (IOError(errnoCode: ECONNREFUSED, reason: "connect"), .unreachable("connection refused")),
            (IOError(errnoCode: ENETUNREACH, reason: "connect"), .unreachable("no route to the host")),
            (IOError(errnoCode: EHOSTUNREACH, reason: "connect"), .unreachable("no route to the host")),
            (SocketAddressError.unknown(host: "store.invalid", port: 443), .unreachable("no such host store.invalid")),
            (IOError(errnoCode: ECONNRESET, reason: "read"), .transient),
            (IOError(errnoCode: EPIPE, reason: "write"), .transient),
            (IOError(errnoCode: ETIMEDOUT, reason: "connect"), .transient),
            (ChannelError.connectTimeout(.seconds(10)), .transient),
            (ChannelError.ioOnClosedChannel, .transient),
            (HTTPClientError.remoteConnectionClosed, .transient),
            (HTTPClientError.readTimeout, .transient),
            (HTTPClientError.connectTimeout, .transient),
            (HTTPClientError.deadlineExceeded, .transient),
            (CocoaError(.fileReadUnknown), .transient),
        ]
        for (error, expected) in table {
            #expect(RetryPolicy.classify(error) == expected, "\(error)")
        }
    }

    // MARK: - A dead endpoint

    /// A port on this machine that nothing listens on: bound, then closed.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(socket, raw, length) == 0, getsockname(socket, raw, &length) == 0 else { throw POSIXError(.EADDRINUSE) }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func target(_ endpoint: String) -> S3Target {
        S3Target(bucket: "site", endpoint: URL(string: endpoint)!, region: "us-east-1", pathStyle: true,
                 accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret")
    }

    /// Today's store is gone: one request, no retries, and a message that says what to check.
    /// (It used to retry silently for six minutes.)
    @Test(.timeLimit(.minutes(1))) func aRefusedConnectionFailsAtOnce() async throws {
        let port = try Self.freePort()
        let target = Self.target("http://127.0.0.1:\(port)")
        let error = try await #require(throws: PublishError.self) { _ = try await target.list(prefix: "") }
        #expect(error.description == "cannot reach s3://site at http://127.0.0.1:\(port): connection refused (LIST ''); "
            + "check the target's endpoint (or AWS_ENDPOINT_URL_S3) and that the store is running")
        #expect(target.counters.requests == 1)
        #expect(target.counters.retries == 0)
    }

    @Test(.timeLimit(.minutes(1))) func anUnknownHostFailsAtOnce() async throws {
        let target = Self.target("http://no-such-store.invalid")
        let error = try await #require(throws: PublishError.self) { _ = try await target.head("index.html") }
        guard case .unreachable(_, "HEAD", "index.html", let reason) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(reason == "no such host no-such-store.invalid")
        #expect(target.counters.retries == 0)
    }

    // MARK: - The deadline

    /// A store that takes the connection and never answers: retried (it could heal) until the
    /// deadline stops the whole operation.
    @Test(.timeLimit(.minutes(1))) func theDeadlineStopsAStoreThatNeverAnswers() async throws {
        let store = try SilentStore()
        defer { withExtendedLifetime(store) {} }
        let target = Self.target(store.endpoint)
        var config = PublishConfig()
        config.deadline = 1
        let publisher = Publisher(target: target, config: config)
        let error = try await #require(throws: PublishError.self) {
            _ = try await publisher.withinDeadline("publish") { try await $0.deploys() }
        }
        #expect(error.description == "publish did not finish within 1s (publish.deadline) and was stopped; run it again to finish")
    }

    @Test func theDeadlineLetsFinishedWorkThrough() async throws {
        #expect(try await Publisher.withDeadline(30, operation: "publish") { 42 } == 42)
        await #expect(throws: CocoaError.self) {
            _ = try await Publisher.withDeadline(30, operation: "publish") { () throws -> Int in throw CocoaError(.fileNoSuchFile) }
        }
    }

    @Test func deadlineInTheConfig() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-deadline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        func load(_ section: String) throws -> PublishConfig {
            try "title: T\nbase_url: https://t.example\npublish:\n\(section)".write(
                to: root.appendingPathComponent("dropgen.yaml"), atomically: true, encoding: .utf8)
            return try PublishConfig.load(siteRoot: root)
        }
        #expect(try load("  retain: 3\n").deadline == 1800)
        #expect(try load("  deadline: 45m\n").deadline == 2700)
        #expect(try load("  deadline: 90\n").deadline == 90)
        for (text, message) in [("0", "publish.deadline: must be longer than zero, such as 30m or 2h"),
                                ("soon", "publish.deadline: expected a duration such as 90s, 30m, 1h or 2d, got \"soon\"")] {
            let failure = try #require(throws: BuildFailed.self) { try load("  deadline: \(text)\n") }
            #expect(failure.description == "dropgen.yaml:4:13: \(message)\n1 error; nothing was written.")
        }
        #expect(PublishConfig.durationText(1800) == "30m")
        #expect(PublishConfig.durationText(7200) == "2h")
        #expect(PublishConfig.durationText(90) == "90s")
        #expect(PublishConfig.durationText(0.5) == "0.5s")
    }
}

/// A port that takes connections (the kernel completes them) and never answers a request.
final class SilentStore {
    let socket: Int32
    let port: Int
    var endpoint: String { "http://127.0.0.1:\(port)" }

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(socket, raw, length) == 0 && getsockname(socket, raw, &length) == 0
            }
        }
        guard bound, listen(socket, 64) == 0 else {
            close(socket)
            throw POSIXError(.EADDRINUSE)
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }
}
