import Foundation
import StockLedger
import Testing
@testable import LiveStock

/// The live server over a real loopback port: statuses, the journal before the 2xx, duplicates,
/// replay after a crash, retries, healthz, logging and a clean shutdown.
@Suite(.serialized) struct LiveServerTests {
    static func signed(_ body: Data) -> [(String, String)] {
        [("X-Dropgen-Signature", DropgenSignature.sign(body, secret: WebhookSecret(TestSecrets.dropgen)!))]
    }

    @Test func answersEachCaseWithItsStatus() async throws {
        let sink = RecordingSink()
        let journal = MemoryJournal()
        let lines = LogLines()
        try await withServer(sink: sink, journal: journal, secrets: WebhookSecrets(dropgen: WebhookSecret(TestSecrets.dropgen)),
                             lines: lines) { server in
            let good = Bodies.dropgen(id: "e1", sold: 2)
            let bad = Data(#"{"id":"e2","drop":"mugs","sold":0}"#.utf8)
            let notJSON = Data("{\"id\": ".utf8)
            let unknown = Bodies.dropgen(id: "e3", drop: "teapots", sold: 1)
            let huge = Data(repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
            let limit = Data(repeating: UInt8(ascii: " "), count: 1 << 20)
            let cases: [(String, Data?, [(String, String)], Bool, Int, String)] = [
                ("/hooks/dropgen", good, Self.signed(good), false, 202, #"{"accepted":1}"#),
                ("/hooks/dropgen", good, Self.signed(good), false, 200, #"{"duplicate":true}"#),
                ("/hooks/dropgen", good, [("X-Dropgen-Signature", "sha256=" + String(repeating: "0", count: 64))], false, 401,
                 #"{"error":"X-Dropgen-Signature does not match the body"}"#),
                ("/hooks/dropgen", good, [], false, 401, #"{"error":"no X-Dropgen-Signature header"}"#),
                ("/hooks/dropgen", bad, Self.signed(bad), false, 400, #"{"error":"sold: must be 1...10000, not 0"}"#),
                ("/hooks/dropgen", notJSON, Self.signed(notJSON), false, 400, #"{"error":"the body is not JSON"}"#),
                ("/hooks/dropgen", unknown, Self.signed(unknown), false, 422, #"{"error":"unknown drop \"teapots\""}"#),
                // Exactly the limit is read (and then refused for what it is).
                ("/hooks/dropgen", limit, Self.signed(limit), false, 400, #"{"error":"the body is not JSON"}"#),
                ("/hooks/dropgen", huge, Self.signed(huge), false, 413,
                 #"{"error":"the body is 1048577 bytes, over the limit of 1048576"}"#),
                ("/hooks/dropgen", huge, Self.signed(huge), true, 413, #"{"error":"the body is over the limit of 1048576 bytes"}"#),
                // A route whose secret is not set is off.
                ("/hooks/stripe", good, [], false, 404, #"{"error":"not found"}"#),
                ("/hooks/nope", good, [], false, 404, #"{"error":"not found"}"#),
            ]
            for (path, body, headers, streamed, status, answer) in cases {
                let response = try await server.request(.POST, path, body: body, headers: headers, streamed: streamed)
                #expect(response.status == status, "\(path) \(answer)")
                #expect(response.body == answer + "\n", "\(path) \(status)")
                #expect(response.headers["content-type"] == "application/json")
            }
            let get = try await server.request(.GET, "/hooks/dropgen")
            #expect(get.status == 405)
            #expect(get.headers["allow"] == "POST")

            // Only the good event reached the journal and the sink, once.
            try await eventually("the batch") { await sink.appliedEvents.count == 1 }
            #expect(await sink.appliedEvents.map(\.id) == ["e1"])
            #expect(await sink.appliedEvents.first?.change == .sold(2))
        }
        let log = lines.all
        #expect(log.contains { $0.contains("route=/hooks/dropgen event=e1 drop=mugs change=sold:2 outcome=journaled") })
        #expect(log.contains { $0.contains("route=/hooks/dropgen event=e1 drop=mugs change=sold:2 outcome=duplicate") })
        #expect(log.contains { $0.contains("source=dropgen event=e1 drop=mugs change=sold:2 outcome=\"applied remaining=1\"") })
        #expect(log.contains { $0.contains("event=e3 drop=teapots change=sold:1 outcome=\"unknown drop\" status=422") })
        #expect(log.contains { $0.contains("route=/hooks/stripe status=404 reason=\"STRIPE_WEBHOOK_SECRET is not set; the route is off\"") })
        #expect(log.contains { $0.contains("route=/hooks/shopify state=\"off (SHOPIFY_WEBHOOK_SECRET is not set)\"") })
        // Never a secret, a signature or a payload.
        let signature = DropgenSignature.sign(Bodies.dropgen(id: "e1", sold: 2), secret: WebhookSecret(TestSecrets.dropgen)!)
        #expect(!log.contains { $0.contains(TestSecrets.dropgen) || $0.contains(signature.dropFirst(7)) || $0.contains("\"sold\"") })
        #expect(log.allSatisfy { $0.hasPrefix("2026-") && !$0.contains("\n") })
    }

    @Test func stripeAndShopifyDeliveries() async throws {
        let sink = RecordingSink()
        let clock = TestClock()
        try await withServer(sink: sink, journal: MemoryJournal(), clock: clock) { server in
            let secret = WebhookSecret(TestSecrets.stripe)!
            let checkout = Bodies.stripe(id: "evt_1")
            let now = try await server.post(.stripe, checkout, headers: [("Stripe-Signature", StripeSignature.sign(checkout, secret: secret, at: clock.now))])
            #expect(now.status == 202)
            #expect(now.body == #"{"accepted":1}"# + "\n")
            let stale = try await server.post(.stripe, checkout, headers: [
                ("Stripe-Signature", StripeSignature.sign(checkout, secret: secret, at: clock.now - 301)),
            ])
            #expect(stale.status == 401)
            #expect(stale.body.contains("beyond the tolerance of 300 s"))
            let wrong = try await server.post(.stripe, checkout, headers: [
                ("Stripe-Signature", StripeSignature.sign(checkout, secret: WebhookSecret("whsec_nope")!, at: clock.now)),
            ])
            #expect(wrong.status == 401)
            let other = Bodies.stripe(id: "evt_2", type: "customer.created")
            let ignored = try await server.post(.stripe, other, headers: [("Stripe-Signature", StripeSignature.sign(other, secret: secret, at: clock.now))])
            #expect(ignored.status == 200)
            #expect(ignored.body == #"{"ignored":"event type customer.created"}"# + "\n")

            let order = Bodies.shopifyOrder()
            let shopify = WebhookSecret(TestSecrets.shopify)!
            let headers = [("X-Shopify-Hmac-Sha256", ShopifySignature.sign(order, secret: shopify)), ("X-Shopify-Topic", "orders/create"),
                           ("X-Shopify-Webhook-Id", "wh-1")]
            let placed = try await server.post(.shopify, order, headers: headers)
            #expect(placed.status == 202)
            #expect(placed.body == #"{"accepted":2}"# + "\n")
            let again = try await server.post(.shopify, order, headers: headers)
            #expect(again.body == #"{"duplicate":true}"# + "\n")
            let tampered = try await server.post(.shopify, Bodies.shopifyOrder(id: 5), headers: headers)
            #expect(tampered.status == 401)

            try await eventually("three events applied") { await sink.appliedEvents.count == 3 }
            #expect(Set(await sink.appliedEvents.map(\.id)) == ["evt_1", "wh-1:0", "wh-1:2"])
        }
    }

    /// The 2xx comes after the append: at that moment the journal holds the event, and the
    /// coalescer (held at its window) has applied nothing yet. Once applied, it is checkpointed.
    @Test func journalsBeforeAnswering() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-live-\(UUID().uuidString)/journal")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let journal = try StockJournal(folder: folder)
        let window = Gate()
        let clock = TestClock { _, _ in await window.wait() }
        let sink = RecordingSink()
        try await withServer(sink: sink, journal: journal, clock: clock) { server in
            let body = Bodies.dropgen(id: "durable-1", sold: 3)
            let answer = try await server.post(.dropgen, body, headers: Self.signed(body))
            #expect(answer.status == 202)
            #expect(try journal.pending().map(\.id) == ["durable-1"])
            #expect(try StockJournal(folder: folder).pending().map(\.id) == ["durable-1"])   // on disk, not only in memory
            #expect(await sink.batches.isEmpty)
            window.open()
            try await eventually("the checkpoint") { try journal.pending().isEmpty }
            #expect(await sink.appliedEvents.map(\.id) == ["durable-1"])
        }
    }

    /// Appends that come while one is written go to the disk together: one more write (and
    /// fsync) for all of them, each caller answered only after it.
    @Test func concurrentAppendsShareOneWrite() async throws {
        let journal = BlockingJournal()
        let writer = JournalWriter(journal)
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        func event(_ index: Int) -> StockEvent { StockEvent(id: "e\(index)", drop: "mugs", change: .sold(1), at: at, source: "dropgen") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await writer.append([event(0)]) }
            try await eventually("the first write to start") { journal.calls.count == 1 }
            for index in 1...9 { group.addTask { try await writer.append([event(index)]) } }
            try await eventually("nine appends waiting") { writer.queued == 9 }
            journal.release.signal()
            try await group.waitForAll()
        }
        #expect(journal.calls.map(\.count) == [1, 9])
        #expect(Set(journal.calls[1].map(\.id)) == Set((1...9).map { "e\($0)" }))
    }

    /// A journal that cannot be written: 503, nothing acknowledged, and a retry is not taken
    /// for a duplicate.
    @Test func aJournalThatFailsIsA503() async throws {
        let journal = MemoryJournal()
        journal.failAppends = true
        let sink = RecordingSink()
        try await withServer(sink: sink, journal: journal) { server in
            let body = Bodies.dropgen(id: "e1", sold: 1)
            let first = try await server.post(.dropgen, body, headers: Self.signed(body))
            #expect(first.status == 503)
            #expect(first.body == #"{"error":"the event could not be stored; try again"}"# + "\n")
            journal.failAppends = false
            let retry = try await server.post(.dropgen, body, headers: Self.signed(body))
            #expect(retry.status == 202)
            try await eventually("the event applied") { await sink.appliedEvents.count == 1 }
        }
    }

    /// After a crash (the process gone between the 2xx and the apply), a start applies what the
    /// journal holds first, and knows those ids for redeliveries.
    @Test func replaysTheJournalAtStart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-live-\(UUID().uuidString)/journal")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        let before = [
            StockEvent(id: "evt_a", drop: "mugs", change: .sold(1), at: at, source: "stripe"),
            StockEvent(id: "b:0", drop: "vases", change: .remaining(4), at: at, source: "dropgen"),
        ]
        try StockJournal(folder: folder).append(before)
        let journal = try StockJournal(folder: folder)
        let sink = RecordingSink()
        try await withServer(sink: sink, journal: journal) { server in
            try await eventually("the replay") { await sink.batches.count == 1 }
            #expect(await sink.batches.first == before)
            try await eventually("the checkpoint") { try journal.pending().isEmpty }
            let redelivery = Data(#"{"id":"b:0","drop":"vases","remaining":4}"#.utf8)
            let answer = try await server.post(.dropgen, redelivery, headers: Self.signed(redelivery))
            #expect(answer.body == #"{"duplicate":true}"# + "\n")
        }
        #expect(await sink.batches.count == 1)
    }

    /// Stopped before the window ended, the server leaves the event in the journal, and the next
    /// start applies it: acknowledged means kept, across a stop too.
    @Test func aStopBeforeTheApplyLeavesTheEventForTheNextStart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-live-\(UUID().uuidString)/journal")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let journal = try StockJournal(folder: folder)
        let never = Gate()
        let first = RecordingSink()
        let lines = LogLines()
        let held = TestClock { _, _ in await never.wait() }
        try await withServer(sink: first, journal: journal, clock: held, lines: lines) { server in
            let body = Bodies.dropgen(id: "kept-1", sold: 1)
            let answer = try await server.post(.dropgen, body, headers: Self.signed(body))
            #expect(answer.status == 202)
        }
        #expect(await first.applyStarted == 0)
        #expect(lines.containing("stopping=\"1 events stay in the journal for the next start\"").count == 1)
        #expect(try journal.pending().map(\.id) == ["kept-1"])

        let second = RecordingSink()
        try await withServer(sink: second, journal: try StockJournal(folder: folder)) { _ in
            try await eventually("the replay") { await second.appliedEvents.count == 1 }
        }
        #expect(await second.appliedEvents.map(\.id) == ["kept-1"])
        #expect(try journal.pending().isEmpty)
    }

    /// A failed apply keeps its events (in the journal and pending) and is retried.
    @Test func retriesAFailedApply() async throws {
        let sink = RecordingSink()
        await sink.set(failures: 2)
        let journal = MemoryJournal()
        let lines = LogLines()
        try await withServer(sink: sink, journal: journal, lines: lines) { server in
            let body = Bodies.dropgen(id: "e1", sold: 1)
            #expect(try await server.post(.dropgen, body, headers: Self.signed(body)).status == 202)
            try await eventually("the third attempt") { await sink.batches.count == 1 }
            #expect(await sink.applyStarted == 3)
            #expect(await sink.appliedEvents.map(\.id) == ["e1"])
            try await eventually("the checkpoint") { try journal.pending().isEmpty }
        }
        #expect(lines.containing("publish=failed events=1 attempt=1 retry_in=0.5 error=\"the target is down\"").count == 1)
        #expect(lines.containing("publish=failed events=1 attempt=2 retry_in=1.0").count == 1)
        #expect(lines.containing("publish=ok events=1").count == 1)
    }

    @Test func healthz() async throws {
        let sink = RecordingSink()
        let clock = TestClock()
        let next = clock.now + 3600
        await sink.set(transitions: [next], clock: clock)
        try await withServer(sink: sink, journal: MemoryJournal(), clock: clock) { server in
            try await eventually("the schedule") { try await server.request(.GET, "/healthz").body.contains("2026-11-30T01:53:20Z") }
            let before = try await server.request(.GET, "/healthz")
            #expect(before.status == 200)
            #expect(before.headers["cache-control"] == "no-store")
            #expect(before.body == #"{"applying":0,"last_publish":null,"next_transition":"2026-11-30T01:53:20Z","pending":0,"#
                    + #""routes":{"dropgen":"on","shopify":"on","stripe":"on"},"status":"ok"}"# + "\n")
            let body = Bodies.dropgen(id: "e1", sold: 1)
            _ = try await server.post(.dropgen, body, headers: Self.signed(body))
            try await eventually("the publish") { try await server.request(.GET, "/healthz").body.contains("published") }
            let after = try await server.request(.GET, "/healthz")
            #expect(after.body.contains(#""last_publish":{"at":"2026-11-30T00:53:20.000Z","events":1,"outcome":"published","trigger":"stock","uploaded":1}"#))
            #expect(try await server.request(.POST, "/healthz").status == 405)
        }
    }

    /// Shutdown (as on SIGTERM) waits for the apply in flight and its checkpoint, then `run`
    /// returns without an error.
    @Test func shutdownFinishesTheApplyInFlight() async throws {
        let sink = RecordingSink()
        let gate = Gate()
        await sink.set(applyGate: gate)
        let journal = MemoryJournal()
        let running = try await RunningServer.start(sink: sink, journal: journal)
        let body = Bodies.dropgen(id: "e1", sold: 1)
        #expect(try await running.post(.dropgen, body, headers: Self.signed(body)).status == 202)
        try await eventually("the apply to start") { await sink.applyStarted == 1 }
        let stopping = Task { try await running.stop() }
        gate.open()
        try await stopping.value
        #expect(await sink.appliedEvents.map(\.id) == ["e1"])
        #expect(try journal.pending().isEmpty)
    }
}

/// A journal whose first append waits until the test releases it; it records each append's events.
final class BlockingJournal: EventJournal, @unchecked Sendable {
    let release = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var recorded: [[StockEvent]] = []

    var calls: [[StockEvent]] { lock.withLock { recorded } }

    func append(_ events: [StockEvent]) throws {
        let first = lock.withLock {
            recorded.append(events)
            return recorded.count == 1
        }
        if first { release.wait() }
    }

    func pending() throws -> [StockEvent] { [] }
    func checkpoint(applied: [StockEvent]) throws {}
}
