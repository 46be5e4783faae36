import Foundation
import StockLedger
import Testing
@testable import LiveStock

/// A burst becomes one apply. The window is held open by the test (a gate, not a timer), so the
/// count of applies does not depend on how fast this machine is.
@Suite(.serialized) struct CoalescerTests {
    @Test func aBurstOfAHundredWebhooksIsOneApply() async throws {
        let window = Gate()
        let clock = TestClock { _, _ in await window.wait() }
        let sink = RecordingSink()
        let journal = MemoryJournal()
        try await withServer(sink: sink, journal: journal, clock: clock) { server in
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let body = Bodies.dropgen(id: "burst-\(index)", drop: index % 2 == 0 ? "mugs" : "vases", sold: 1)
                        return try await server.post(.dropgen, body, headers: LiveServerTests.signed(body)).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(answers == Array(repeating: 202, count: 100))
            #expect(try journal.pending().count == 100)
            window.open()
            try await eventually("all 100 applied") { await sink.appliedEvents.count == 100 }
            #expect(await sink.batches.count == 1)
            #expect(Set(await sink.appliedEvents.map(\.id)) == Set((0..<100).map { "burst-\($0)" }))
            try await eventually("the checkpoint") { try journal.pending().isEmpty }
        }
    }

    /// Events that arrive while an apply runs go into the next batch, all of them together.
    @Test func eventsDuringAnApplyFormTheNextBatch() async throws {
        let sink = RecordingSink()
        let first = Gate()
        await sink.set(applyGate: first)
        try await withServer(sink: sink, journal: MemoryJournal()) { server in
            let opening = Bodies.dropgen(id: "e0", sold: 1)
            #expect(try await server.post(.dropgen, opening, headers: LiveServerTests.signed(opening)).status == 202)
            try await eventually("the first apply to start") { await sink.applyStarted == 1 }
            for index in 1...5 {
                let body = Bodies.dropgen(id: "e\(index)", sold: 1)
                #expect(try await server.post(.dropgen, body, headers: LiveServerTests.signed(body)).status == 202)
            }
            first.open()
            try await eventually("six applied") { await sink.appliedEvents.count == 6 }
            #expect(await sink.batches.map { $0.map(\.id) } == [["e0"], ["e1", "e2", "e3", "e4", "e5"]])
        }
    }

    /// A redelivery of the same id while the first is being written waits for that write: it is
    /// answered as a duplicate and the event is applied once.
    @Test func concurrentRedeliveriesAreAppliedOnce() async throws {
        let sink = RecordingSink()
        let journal = MemoryJournal()
        try await withServer(sink: sink, journal: journal) { server in
            let body = Bodies.dropgen(id: "same", sold: 2)
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await server.post(.dropgen, body, headers: LiveServerTests.signed(body)).body }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 == #"{"accepted":1}"# + "\n" }.count == 1)
            #expect(answers.filter { $0 == #"{"duplicate":true}"# + "\n" }.count == 19)
            try await eventually("the apply") { await sink.appliedEvents.count == 1 }
        }
        #expect(await sink.appliedEvents.map(\.id) == ["same"])
    }

    @Test func seenEventsForgetTheOldestPastTheLimit() async {
        let seen = SeenEvents(limit: 2)
        await seen.remember(["a", "b"])
        #expect(await seen.claim(["a", "b"]).isEmpty)
        let c = await seen.claim(["c", "c"])
        #expect(c == ["c"])
        await seen.settle(c, durable: true)
        #expect(await seen.claim(["a"]) == ["a"])   // forgotten: journaled again, which the ledger shrugs off
        #expect(await seen.claim(["b", "c"]) == [])
    }

    @Test(arguments: [(1, 500), (2, 1000), (3, 2000), (7, 30_000), (40, 30_000)])
    func backoffDoublesUpToTheMaximum(failures: Int, milliseconds: Int) {
        #expect(Backoff().delay(after: failures) == .milliseconds(milliseconds))
    }
}
