import Foundation
import LiveStock
import Publisher
import SiteManifest
import SiteSource
import StockLedger
import Testing

/// What `LedgerStore` does at any target: run against the local folder and the S3 server.
enum LedgerStoreBehaviour {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)

    /// A ledger after `batches` batches of one sale each (sequence = batches), from `opening`.
    static func ledger(batches: Int, first id: Int = 0, opening: Int = 100) -> StockLedger {
        var ledger = StockLedger.empty
        for index in 0..<batches {
            _ = ledger.apply([StockEvent(id: "e\(id + index)", drop: "mug", change: .sold(1),
                                         at: t0.addingTimeInterval(Double(index)), source: "dropgen")],
                             opening: { _ in opening })
        }
        return ledger
    }

    static func versions(_ target: any PublishTarget) async throws -> [String] {
        try await target.list(prefix: LedgerStore.versionPrefix).map(\.key)
    }

    static func writeThenRead(_ target: any PublishTarget) async throws {
        let store = LedgerStore(target: target)
        let ledger = ledger(batches: 2)
        try await store.write(ledger)
        #expect(try await store.read() == ledger)
        #expect(try await target.get(StockLedger.key) == ledger.encoded())
        #expect(try await target.get(".dropgen/stock/0000000002.json") == ledger.encoded())
        let head = try #require(try await target.head(StockLedger.key))
        #expect(head.sha256 == ledger.digest)
    }

    static func retryIsIdempotent(_ target: any PublishTarget) async throws {
        let store = LedgerStore(target: target)
        let ledger = ledger(batches: 1)
        try await store.write(ledger)
        try await store.write(ledger)
        #expect(try await store.read() == ledger)
        #expect(try await versions(target) == [".dropgen/stock/0000000001.json"])
    }

    /// Two writers read the same ledger and each applied their own events: the first write of
    /// version 2 wins, the second gets `LedgerConflict` and changes nothing.
    static func createOnlyConflict(_ target: any PublishTarget) async throws {
        let store = LedgerStore(target: target)
        let base = ledger(batches: 1)
        try await store.write(base)
        var first = base, second = base
        _ = first.apply([StockEvent(id: "x", drop: "mug", change: .sold(1), at: t0, source: "stripe")], opening: { _ in 100 })
        _ = second.apply([StockEvent(id: "y", drop: "mug", change: .sold(3), at: t0, source: "shopify")], opening: { _ in 100 })
        #expect(first.sequence == second.sequence)
        try await store.write(first)
        await #expect(throws: LedgerConflict(sequence: 2, target: target.displayName)) { try await store.write(second) }
        #expect(try await store.read() == first)
        // The loser reads again and reapplies: then it wins the next version.
        var retry = try await store.read()
        _ = retry.apply([StockEvent(id: "y", drop: "mug", change: .sold(3), at: t0, source: "shopify")], opening: { _ in 100 })
        try await store.write(retry)
        #expect(try await store.read().entry(for: "mug")?.remaining == 95)
        #expect(String(describing: LedgerConflict(sequence: 2, target: "T")) ==
            "another writer changed the stock ledger at T first (version 2 or a later one exists); read it again and reapply")
    }

    /// A writer whose ledger is so old that its version was pruned does not create it afresh and
    /// move the pointer back: it gets `LedgerConflict`, and its version is taken away again.
    static func staleWriterLoses(_ target: any PublishTarget) async throws {
        let store = LedgerStore(target: target)
        for batches in 1...13 { try await store.write(ledger(batches: batches)) }
        let stale = ledger(batches: 2, first: 100)
        await #expect(throws: LedgerConflict(sequence: 2, target: target.displayName)) { try await store.write(stale) }
        #expect(try await store.read() == ledger(batches: 13))
        #expect(try await versions(target) == (4...13).map { LedgerStore.versionKey($0) })
    }

    /// A writer killed between its two puts left version 3 with the pointer at 2. The next writer
    /// of version 3 gets `LedgerConflict`, having moved the pointer on; reading again gives the
    /// orphaned version (whose events are all there), and the write after it succeeds.
    static func pointerLeftBehindCatchesUp(_ target: any PublishTarget) async throws {
        let store = LedgerStore(target: target)
        try await store.write(ledger(batches: 2))
        let orphan = ledger(batches: 3)
        _ = try await target.put(LedgerStore.versionKey(3), body: orphan.encoded(), headers: ObjectHeaders(
            contentType: "application/json; charset=utf-8", cacheControl: "no-cache", sha256: orphan.digest), createOnly: true)
        var other = try await store.read()
        #expect(other.sequence == 2)
        _ = other.apply([StockEvent(id: "z", drop: "mug", change: .remaining(50), at: t0, source: "set")], opening: { _ in 100 })
        await #expect(throws: LedgerConflict(sequence: 3, target: target.displayName)) { try await store.write(other) }
        var again = try await store.read()
        #expect(again == orphan)
        _ = again.apply([StockEvent(id: "z", drop: "mug", change: .remaining(50), at: t0, source: "set")], opening: { _ in 100 })
        try await store.write(again)
        #expect(try await store.read().sequence == 4)
        #expect(try await store.read().entry(for: "mug")?.remaining == 50)
    }

    /// After 13 versions only the last 10 remain; keys under the prefix that are not exactly of
    /// the version pattern are not dropgen's versions and are left alone.
    static func prunesOldVersions(_ target: any PublishTarget) async throws {
        let store = LedgerStore(target: target)
        let headers = ObjectHeaders(contentType: "text/plain", cacheControl: "no-cache", sha256: "")
        try await target.open(forWriting: true)
        for key in [".dropgen/stock/notes.txt", ".dropgen/stock/1.json", ".dropgen/stock/00000000001.json"] {
            _ = try await target.put(key, body: Data("x".utf8), headers: headers, createOnly: false)
        }
        for batches in 1...13 { try await store.write(ledger(batches: batches)) }
        #expect(try await versions(target) == [".dropgen/stock/00000000001.json"]
            + (4...13).map { LedgerStore.versionKey($0) } + [".dropgen/stock/1.json", ".dropgen/stock/notes.txt"])
        #expect(try await store.read() == ledger(batches: 13))
    }

    static func refusesInvalidBytes(_ target: any PublishTarget) async throws {
        try await target.open(forWriting: true)
        let bad = Data(#"{"entries":{"mug":{"oversold":0,"remaining":-5,"updated_at":"2026-11-30T00:53:20Z"}},"format":1,"ids":[],"recent":[],"sequence":1}"#.utf8)
        _ = try await target.put(StockLedger.key, body: bad,
                                 headers: ObjectHeaders(contentType: "application/json", cacheControl: "no-cache", sha256: ""), createOnly: false)
        await #expect(throws: Diagnostic(file: ".dropgen/stock.json", key: "entries.mug.remaining", message: "must be 0...1000000, not -5")) {
            try await LedgerStore(target: target).read()
        }
    }

    /// The deploy prune deletes only keys a deploy record names: a publish of a site, then
    /// another that prunes the first one's files, leaves every stock key where it was.
    static func publishLeavesLedger(_ target: any PublishTarget) async throws {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-site-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: site) }
        let store = LedgerStore(target: target)
        for batches in 1...3 { try await store.write(ledger(batches: batches)) }
        let before = try await target.list(prefix: ".dropgen/stock")
        let clock = Clock()
        let publisher = Publisher(target: target, config: PublishConfig(retain: 1, grace: 0, siteRoot: site), clock: clock.now)
        for version in 1...3 {
            try writeBuild(site.appendingPathComponent("public"), version: version)
            _ = try await publisher.publish(buildDirectory: site.appendingPathComponent("public"), allowManyDeletes: true)
            clock.advance(3600)
        }
        // The prune ran: the first builds' own files are gone.
        #expect(try await target.head("page-1.html") == nil)
        #expect(try await target.head("page-3.html") != nil)
        let after = try await target.list(prefix: ".dropgen/stock")
        #expect(after.map(\.key) == before.map(\.key))
        #expect(after.map(\.key).contains(StockLedger.key))
        #expect(try await store.read() == ledger(batches: 3))
    }

    /// A built folder with its manifest: `index.html` and a page of its own per version.
    static func writeBuild(_ folder: URL, version: Int) throws {
        try? FileManager.default.removeItem(at: folder)
        let files = ["index.html": "<!doctype html><title>v\(version)</title>\n", "page-\(version).html": "<!doctype html><title>\(version)</title>\n"]
        var entries: [BuildManifest.Entry] = []
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            entries.append(BuildManifest.Entry(path: path, bytes: Data(text.utf8)))
        }
        let manifest = folder.appendingPathComponent(BuildManifest.relativePath)
        try FileManager.default.createDirectory(at: manifest.deletingLastPathComponent(), withIntermediateDirectories: true)
        try BuildManifest(files: entries).encoded().write(to: manifest)
    }

    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        // From now: the prune's grace is measured against the objects' real modification times.
        private var current = Date()
        var now: @Sendable () -> Date { { [self] in lock.withLock { current } } }
        func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    }
}
