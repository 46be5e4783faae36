import Foundation
import Testing
@testable import MediaPipeline

@Suite struct CacheTests {
    let fixtures: Fixtures
    init() async { fixtures = await Fixtures.shared() }
    let source = MediaSource(file: "content/drops/mug.md", line: 9, key: "images[0].src")

    @Test func unchangedRebuildEncodesNothingAndPruneRemovesTheRest() async throws {
        let (pipeline, output) = makePipeline()
        let hero = try pipeline.planHero(HeroRequest(source: dropSource, video: fixtures.drop("clip.mp4"), start: 0, duration: 10))
        let still = try pipeline.planStill(StillRequest(source: source, image: fixtures.drop("small.png")))
        // Identical jobs (the same still named twice) are done once.
        let jobs = hero.jobs + still.jobs + still.jobs
        let total = hero.jobs.count + still.jobs.count

        let calls = Counter()
        let first = try await pipeline.process(jobs, outputRoot: output) { done, all, path in
            calls.record(done: done, total: all, path: path)
        }
        #expect(first.encoded == total && first.cacheHits == 0)
        #expect(first.files == Set(jobs.map(\.outputPath)).sorted())
        #expect(calls.values.map(\.done) == Array(1...total) && calls.values.allSatisfy { $0.total == total })

        // A fresh output folder, as `dropgen build` uses: everything comes from the cache.
        let rebuilt = output.deletingLastPathComponent().appendingPathComponent("public-2")
        let second = try await pipeline.process(jobs, outputRoot: rebuilt)
        #expect(second.encoded == 0 && second.cacheHits == total)
        for path in second.files {
            #expect(try Data(contentsOf: rebuilt.appendingPathComponent(path)) == Data(contentsOf: output.appendingPathComponent(path)))
        }
        #expect(second.entries.allSatisfy { $0.cacheHit && $0.bytes > 0 })

        // The placeholder is cached with the widest variant, so planning again decodes nothing.
        let cache = URL(fileURLWithPath: pipeline.options.cacheDirectory).appendingPathComponent("media")
        let lqip = cache.appendingPathComponent(still.jobs.last!.fileName + ".lqip")
        #expect(try String(contentsOf: lqip, encoding: .utf8) == still.placeholder)

        let removed = try pipeline.pruneCache(keeping: Set(still.jobs.map(\.outputPath)))
        #expect(removed == hero.jobs.map(\.fileName).sorted())
        let left = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
        #expect(left == (still.jobs.map(\.fileName) + [lqip.lastPathComponent]).sorted())
        #expect(try pipeline.pruneCache(keeping: Set(still.jobs.map(\.outputPath))) == [])

        let third = try await pipeline.process(hero.jobs, outputRoot: rebuilt)
        #expect(third.encoded == hero.jobs.count, "pruned files are encoded again")
    }

    @Test func pruneOfAMissingCacheRemovesNothing() throws {
        let (pipeline, _) = makePipeline()
        #expect(try pipeline.pruneCache(keeping: []) == [])
    }
}

/// Collects progress calls (made from one task at a time, but the closure must be Sendable).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [(done: Int, total: Int, path: String)] = []

    func record(done: Int, total: Int, path: String) {
        lock.withLock { calls.append((done, total, path)) }
    }

    var values: [(done: Int, total: Int, path: String)] { lock.withLock { calls } }
}
