import Foundation
import Testing
@testable import SiteBuilder

/// A build writes only into a folder that is dropgen's, and cleans up only what a build of its
/// own left behind.
@Suite("Output folder safety")
struct OutputSafetyTests {
    struct Occupied: CustomTestStringConvertible, Sendable {
        var name: String
        var existing: [String: String]
        var out: String
        /// `OUT` stands for the output folder's path.
        var expected: String
        var testDescription: String { name }
    }

    static let occupied: [Occupied] = [
        Occupied(name: "a file", existing: ["notes.txt": "mine"], out: "notes.txt",
                 expected: "OUT is a file, not a dropgen output folder; remove it or pass another --out"),
        Occupied(name: "a folder of someone's files", existing: ["site-backup/index.html": "mine"], out: "site-backup",
                 expected: "OUT exists and was not written by dropgen (no .dropgen/manifest.json); remove it or pass another --out"),
        Occupied(name: "the site itself", existing: [:], out: ".",
                 expected: "the output folder OUT would replace the site itself; choose another --out"),
    ]

    @Test(arguments: occupied)
    func outputThatIsNotDropgensIsRefusedAndKept(_ occupied: Occupied) async throws {
        let site = try Fixture.site()
        for (path, text) in occupied.existing { try site.write(path, text) }
        let out = site.root.appendingPathComponent(occupied.out).standardizedFileURL
        do {
            try await site.build(out: occupied.out)
            Issue.record("the build wrote over \(occupied.name)")
        } catch let refused as OutputWriter.Refused {
            #expect(refused.description == occupied.expected.replacingOccurrences(of: "OUT", with: out.path))
        }
        for (path, text) in occupied.existing { #expect(try site.read(path) == text) }
        #expect(try site.read("content/drops/mugs.md") == Fixture.drop())
        // Nothing of the build is left beside it either.
        let names = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(!names.contains { $0.contains(".staging-") || $0.contains(".old-") }, "\(names)")
    }

    @Test func killedBuildsLeftoversAreRemovedAndOthersKept() async throws {
        let site = try Fixture.site()
        // A pid no process has (above the kernel's pid_max) and, for contrast, this process's parent.
        let dead: Int32 = 4_194_305
        let alive = getppid()
        let leftovers = [
            ".public.staging-\(dead)/.dropgen/incomplete": "",          // killed while rendering
            ".public.staging-\(dead)/drops/mugs/index.html": "<p>half",
            ".public.old-\(dead)/.dropgen/manifest.json": "{}",         // killed while swapping
        ]
        let kept = [
            ".public.staging-\(alive)/.dropgen/incomplete": "",         // a build still running
            ".public.staging-\(dead + 1)/mine.txt": "not dropgen's",   // our name, not our mark
            ".public.staging-backup/.dropgen/incomplete": "",           // not a pid
        ]
        for (path, text) in leftovers.merging(kept, uniquingKeysWith: { a, _ in a }) { try site.write(path, text) }
        try FileManager.default.createDirectory(at: site.root.appendingPathComponent(".public.old-\(dead + 2)"),
                                                withIntermediateDirectories: true)  // killed before it held anything

        try await site.build()
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: site.root.path))
        #expect(!names.contains(".public.staging-\(dead)"))
        #expect(!names.contains(".public.old-\(dead)"))
        #expect(!names.contains(".public.old-\(dead + 2)"))
        for (path, text) in kept { #expect(try site.read(path) == text, "\(path)") }
        // The finished output carries no staging mark.
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("public/.dropgen/incomplete").path))
    }
}
