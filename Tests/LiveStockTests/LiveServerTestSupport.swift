import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StockLedger
import Testing
@testable import LiveStock

/// A `StockSink` that records what the server asks of it: the batches applied, the refreshes and
/// when they came (by the test clock). Applies can be made to fail or to wait at a gate.
actor RecordingSink: StockSink {
    let drops: Set<String>
    private(set) var batches: [[StockEvent]] = []
    private(set) var refreshes: [Date] = []
    private(set) var applyStarted = 0
    /// Applies that throw before any is recorded.
    var failures = 0
    /// Each apply waits here first when set.
    var applyGate: Gate?
    /// What `nextTransition` answers: the first one; a refresh drops it.
    var transitions: [Date] = []
    var clock: TestClock?

    init(drops: Set<String> = ["mugs", "vases"]) {
        self.drops = drops
    }

    func set(failures: Int) { self.failures = failures }
    func set(applyGate: Gate?) { self.applyGate = applyGate }
    func set(transitions: [Date], clock: TestClock?) {
        self.transitions = transitions
        self.clock = clock
    }

    var appliedEvents: [StockEvent] { batches.flatMap { $0 } }

    func knows(drop slug: String) async -> Bool { drops.contains(slug) }

    func apply(_ events: [StockEvent]) async throws -> StockUpdateSummary {
        applyStarted += 1
        if let applyGate { await applyGate.wait() }
        if failures > 0 {
            failures -= 1
                throw SinkFailure()
        }
        batches.append(events)
        let outcomes = Dictionary(events.map { ($0.id, StockLedger.Outcome.applied(remaining: 1)) }, uniquingKeysWith: { a, _ in a })
        return StockUpdateSummary(outcomes: outcomes, uploaded: ["live.json"], requests: 2, duration: 0.01)
    }

    func refresh() async throws -> Date? {
        refreshes.append(clock?.now ?? Date())
        if !transitions.isEmpty { transitions.removeFirst() }
        return transitions.first
    }

    func nextTransition() async -> Date? { transitions.first }
}

struct SinkFailure: Error, CustomStringConvertible {
    var description: String { "the target is down" }
}

struct Timeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "gave up waiting for \(what)" }
}

/// Waits until `condition` holds, looking every 10 ms, for at most 120 s: for what has no
/// notification (a checkpoint, a log line). Not a timing assertion: it only bounds the test
/// (generously: the whole suite runs in parallel on two cores).
func eventually(_ what: String, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(120)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw Timeout(what: what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Opens once; everyone waiting (and everyone after) goes on. A waiting task that is cancelled
/// goes on too (a sleep of the server being shut down).
final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    func open() {
        let waiting = lock.withLock {
            isOpen = true
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for waiter in waiting { waiter.resume() }
    }

    func wait() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = lock.withLock {
                    if isOpen || Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = lock.withLock { waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

/// A wall clock the test sets; its sleep is whatever the test says (advance the clock, wait at a
/// gate, return at once).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private var sleeper: @Sendable (TestClock, Duration) async throws -> Void

    init(_ start: Date = Date(timeIntervalSince1970: 1_796_000_000),
         sleep: @escaping @Sendable (TestClock, Duration) async throws -> Void = { _, duration in
             // Real, but short: windows and retries pass quickly, and a wait for a far-off
             // transition is a slow loop, not a busy one.
             try await Task.sleep(for: min(duration, .milliseconds(20)))
         }) {
        current = start
        sleeper = sleep
    }

    var now: Date { lock.withLock { current } }

    func advance(_ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        lock.withLock { current += seconds }
    }

    func set(_ date: Date) { lock.withLock { current = date } }

    var live: LiveClock {
        LiveClock(now: { self.now }, sleep: { duration in
            let sleeper = self.lock.withLock { self.sleeper }
            try await sleeper(self, duration)
            try Task.checkCancellation()
        })
    }

    /// Sleeps that advance the clock at once: a day of waiting in no time.
    static func virtual(_ start: Date = Date(timeIntervalSince1970: 1_796_000_000)) -> TestClock {
        TestClock(start) { clock, duration in
            clock.advance(duration)
            await Task.yield()
        }
    }
}

/// The log lines the server wrote.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var log: LiveLog { LiveLog { line in self.lock.withLock { self.lines.append(line) } } }
    var all: [String] { lock.withLock { lines } }
    func containing(_ text: String) -> [String] { all.filter { $0.contains(text) } }
}

/// A journal in memory, for tests about the server rather than the disk; `failAppends` makes
/// every append throw (a full disk).
final class MemoryJournal: EventJournal, @unchecked Sendable {
    private let lock = NSLock()
    private var events: [StockEvent] = []
    var failAppends = false

    init(_ events: [StockEvent] = []) { self.events = events }

    func append(_ new: [StockEvent]) throws {
        try lock.withLock {
            if failAppends { throw SinkFailure() }
            events += new
        }
    }

    func pending() throws -> [StockEvent] { lock.withLock { events } }

    func checkpoint(applied: [StockEvent]) throws {
        let ids = Set(applied.map(\.id))
        lock.withLock { events.removeAll { ids.contains($0.id) } }
    }
}

/// The secrets every test signs with: made up here, never from the environment.
enum TestSecrets {
    static let dropgen = "dg-test-secret-1"
    static let stripe = "whsec_test_2"
    static let shopify = "shpss_test_3"

    static var all: WebhookSecrets {
        WebhookSecrets(dropgen: WebhookSecret(dropgen), stripe: WebhookSecret(stripe), shopify: WebhookSecret(shopify))
    }
}

/// A `LiveServer` running on a free loopback port, and a client to talk to it.
final class RunningServer: Sendable {
    let server: LiveServer
    let task: Task<Void, any Error>
    let port: Int
    /// A connection for each of a burst's requests, and time to get one while the whole suite
    /// shares two cores.
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(
        timeout: .init(connect: .seconds(60), read: .seconds(60)),
        connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)))

    init(server: LiveServer, task: Task<Void, any Error>, port: Int) {
        self.server = server
        self.task = task
        self.port = port
    }

    static func start(sink: RecordingSink, journal: any EventJournal, secrets: WebhookSecrets = TestSecrets.all,
                      clock: TestClock = TestClock(), lines: LogLines = LogLines(),
                      configure: (inout LiveServer.Configuration) -> Void = { _ in }) async throws -> RunningServer {
        var configuration = LiveServer.Configuration(port: 0, coalesceWindow: .milliseconds(5), handlesSignals: false)
        configure(&configuration)
        let server = LiveServer(configuration: configuration, sink: sink, journal: journal, secrets: secrets,
                                clock: clock.live, log: lines.log)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run { _, port in continuation.yield(port) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw Timeout(what: "the server to listen") }
        return RunningServer(server: server, task: task, port: port)
    }

    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    func request(_ method: HTTPMethod = .POST, _ path: String, body: Data? = nil, headers: [(String, String)] = [],
                 streamed: Bool = false) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.body = streamed
                ? .stream(Self.chunks(body), length: .unknown)
                : .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), headers: fields, body: String(buffer: bytes))
    }

    /// The body in 64 KB chunks, with no declared length (chunked transfer encoding).
    static func chunks(_ body: Data) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            var offset = 0
            while offset < body.count {
                let end = min(offset + 65_536, body.count)
                continuation.yield(ByteBuffer(bytes: body[offset..<end]))
                offset = end
            }
            continuation.finish()
        }
    }

    func post(_ route: WebhookRoute, _ body: Data, headers: [(String, String)]) async throws -> Answer {
        try await request(.POST, route.path, body: body, headers: headers)
    }

    /// Graceful shutdown, as SIGTERM; `run` must return without an error.
    func stop() async throws {
        await server.shutdown()
        try await task.value
        try await client.shutdown()
    }
}

/// Runs `body` against a started server and stops the server whatever happens.
func withServer(sink: RecordingSink, journal: any EventJournal, secrets: WebhookSecrets = TestSecrets.all,
                clock: TestClock = TestClock(), lines: LogLines = LogLines(),
                configure: (inout LiveServer.Configuration) -> Void = { _ in },
                _ body: (RunningServer) async throws -> Void) async throws {
    let running = try await RunningServer.start(sink: sink, journal: journal, secrets: secrets, clock: clock, lines: lines,
                                                configure: configure)
    do {
        try await body(running)
    } catch {
        try? await running.stop()
        throw error
    }
    try await running.stop()
}

enum Bodies {
    static func dropgen(id: String, drop: String = "mugs", sold: Int) -> Data {
        Data(#"{"id":"\#(id)","drop":"\#(drop)","sold":\#(sold)}"#.utf8)
    }

    static func stripe(id: String, type: String = "checkout.session.completed", drop: String = "mugs", quantity: String = #""2""#) -> Data {
        Data(#"{"id":"\#(id)","object":"event","type":"\#(type)","data":{"object":{"id":"cs_test_1","object":"checkout.session","metadata":{"drop":"\#(drop)","quantity":\#(quantity)}}}}"#.utf8)
    }

    static func shopifyOrder(id: Int = 820982911946154508) -> Data {
        Data(#"{"id":\#(id),"line_items":[{"sku":"mugs","quantity":2},{"sku":"","quantity":1},{"sku":"vases","quantity":1}]}"#.utf8)
    }
}
