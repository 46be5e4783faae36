import Crypto
import Foundation
import Testing
@testable import Publisher
@testable import SiteManifest

/// A publish never deletes or overwrites what dropgen did not write: a folder target must be
/// dropgen's own, a prune only removes what a record of the target names, and a record read back
/// is checked before anything acts on it.
@Suite("Target safety")
struct TargetSafetyTests {
    static func scratch() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-safety-\(UUID().uuidString)")
    }

    static func write(_ files: [String: String], in folder: URL) throws {
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    /// Every regular file below `folder`, relative, with its bytes.
    static func snapshot(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let base = folder.standardizedFileURL.path + "/"
        for case let url as URL in FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) ?? .init() {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files[String(url.standardizedFileURL.path.dropFirst(base.count))] = FileManager.default.contents(atPath: url.path)
        }
        return files
    }

    struct Placement: CustomTestStringConvertible, Sendable {
        var name: String
        /// The target folder, relative to the site fixture's root ("" is the root itself).
        var target: String
        var expected: String
        var testDescription: String { name }
    }

    static let placements: [Placement] = [
        Placement(name: "the site folder itself (file://.)", target: "", expected: "it holds the site folder"),
        Placement(name: "the site's parent (file://..)", target: "..", expected: "it holds the site folder"),
        Placement(name: "the build folder", target: "public", expected: "it holds the build folder"),
        Placement(name: "inside the build folder", target: "public/edge", expected: "it is inside the build folder"),
        Placement(name: "inside content/", target: "content/edge", expected: "it is inside the site's content/ folder"),
        Placement(name: "inside templates/", target: "templates/x", expected: "it is inside the site's templates/ folder"),
        Placement(name: "through a symlink to the site", target: "link-to-site", expected: "it holds the site folder"),
    ]

    @Test(arguments: placements)
    func targetOverlappingTheSiteOrBuildIsRefused(_ placement: Placement) async throws {
        let outer = Self.scratch()
        defer { try? FileManager.default.removeItem(at: outer) }
        let root = outer.appendingPathComponent("site")
        let site = try SiteFixture(root: root)
        try site.build(version: 1)
        try Self.write(["content/drops/a.md": "---\ntitle: A\n---\n", "templates/drop.mustache": "x", "notes.txt": "mine"], in: root)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("link-to-site"), withDestinationURL: root)
        let before = Self.snapshot(outer)
        let folder = placement.target.isEmpty ? root : root.appendingPathComponent(placement.target)
        let target = LocalFolderTarget(root: folder, site: root, build: site.build)
        let publisher = Publisher(target: target, config: PublishConfig(grace: 0, siteRoot: root))
        do {
            _ = try await publisher.publish(buildDirectory: site.build, allowManyDeletes: true)
            Issue.record("publish into \(placement.name) succeeded")
        } catch let error as PublishError {
            #expect(error.description.hasPrefix("refusing to publish into \(folder.standardizedFileURL.path): \(placement.expected)"),
                    "\(error)")
        }
        await #expect(throws: PublishError.self) { _ = try await publisher.rollback() }
        #expect(Self.snapshot(outer) == before)
    }

    @Test func folderWithFilesDropgenDidNotWriteIsRefused() async throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Someone's files, including names a site also has.
        try Self.write(["index.html": "my own page", "etc/passwd": "root:x:0:0", "robots.txt": "mine"], in: folder)
        let before = Self.snapshot(folder)
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let publisher = BehaviourSuite.publisher(LocalFolderTarget(root: folder), clock: TestClock(), grace: 0)
        let expected = "\(folder.standardizedFileURL.path) holds files dropgen did not publish (it has no .dropgen-meta/dropgen-target)"
        for attempt in ["publish", "dry run", "deploys", "rollback"] {
            do {
                switch attempt {
                case "publish": _ = try await publisher.publish(buildDirectory: site.build, allowManyDeletes: true)
                case "dry run": _ = try await publisher.publish(buildDirectory: site.build, dryRun: true)
                case "deploys": _ = try await publisher.deploys()
                default: _ = try await publisher.rollback()
                }
                Issue.record("\(attempt) into a foreign folder succeeded")
            } catch let error as PublishError {
                #expect(error.description.hasPrefix(expected), "\(attempt): \(error)")
            }
        }
        #expect(Self.snapshot(folder) == before)

        // A file named as the target is refused too, and stays as it was.
        let file = folder.appendingPathComponent("index.html")
        await #expect(throws: PublishError.self) {
            _ = try await BehaviourSuite.publisher(LocalFolderTarget(root: file), clock: TestClock())
                .publish(buildDirectory: site.build)
        }
        #expect(Self.snapshot(folder) == before)
    }

    @Test func newEmptyAndEarlierFoldersAreDropgens() async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let parent = Self.scratch()
        defer { try? FileManager.default.removeItem(at: parent) }
        let fresh = parent.appendingPathComponent("new/edge")
        let empty = parent.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        for folder in [fresh, empty] {
            let report = try await BehaviourSuite.publisher(LocalFolderTarget(root: folder), clock: TestClock())
                .publish(buildDirectory: site.build)
            #expect(report.deployID != nil)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(LocalFolderTarget.markerFile).path))
        }
        // A folder an earlier dropgen published (pointer and sidecars, no marker) is taken up.
        try FileManager.default.removeItem(at: empty.appendingPathComponent(LocalFolderTarget.markerFile))
        try site.build(version: 2)
        let clock = TestClock()
        clock.advance(60)
        let report = try await BehaviourSuite.publisher(LocalFolderTarget(root: empty), clock: clock).publish(buildDirectory: site.build)
        #expect(report.uploaded.map(\.key).contains("drops/b/index.html"))
        #expect(FileManager.default.fileExists(atPath: empty.appendingPathComponent(LocalFolderTarget.markerFile).path))
    }

    @Test func secondWriterIsRefusedWhileOneHoldsTheFolder() async throws {
        let folder = Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = LocalFolderTarget(root: folder)
        try await first.open(forWriting: true)
        do {
            try await LocalFolderTarget(root: folder).open(forWriting: true)
            Issue.record("two writers held one folder")
        } catch let error as PublishError {
            #expect(error.description == "another dropgen is publishing to \(folder.standardizedFileURL.path) right now; run again when it is done")
        }
        // Readers are not kept out.
        try await LocalFolderTarget(root: folder).open(forWriting: false)
    }
}

/// The prune rule on every kind of target: only what a record of the target names is deleted.
enum PruneOwnership {
    static let headers = ObjectHeaders(contentType: "text/plain; charset=utf-8", cacheControl: "no-cache",
                                       sha256: String(repeating: "0", count: 64))

    /// Files put on the target by someone else, before and between deploys, outlive every prune.
    static func foreignObjectsSurvive(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        func make() -> Publisher { BehaviourSuite.publisher(target, clock: clock, retain: 1, grace: 0) }
        try site.build(version: 1)
        _ = try await make().publish(buildDirectory: site.build)
        let foreign = ["notes.txt", "drops/old/index.html", ".dropgen/someone-else.json"]
        for key in foreign { _ = try await target.put(key, body: Data(key.utf8), headers: headers, createOnly: false) }
        clock.advance(60)
        try site.build(version: 3)
        let report = try await make().publish(buildDirectory: site.build, allowManyDeletes: true)
        let cssV1 = try #require(SiteFixture.files(version: 1).keys.first { $0.hasSuffix(".css") })
        #expect(report.deleted.contains(cssV1))
        #expect(Set(report.deleted).isDisjoint(with: foreign), "\(report.deleted)")
        for key in foreign { #expect(try await target.get(key) == Data(key.utf8), "\(key)") }
        #expect(try await brokenReferences(on: target).isEmpty)
    }

    /// A deploy cut short leaves its objects named by its pending record, so a later deploy of
    /// another build prunes them, and then the pending record.
    static func interruptedDeployIsPrunedLater(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        try site.build(version: 1)
        _ = try await BehaviourSuite.publisher(target, clock: clock).publish(buildDirectory: site.build)
        clock.advance(60)
        try site.build(version: 3)
        let cut = RecordingTarget(target, failAfterPuts: 2)
        await #expect(throws: RecordingTarget.Interrupted.self) {
            _ = try await BehaviourSuite.publisher(cut, clock: clock).publish(buildDirectory: site.build)
        }
        let pending = try #require(cut.puts.first)
        #expect(pending.hasPrefix(DeployRecord.pendingFolder))
        let cssV3 = try #require(SiteFixture.files(version: 3).keys.first { $0.hasSuffix(".css") })
        #expect(cut.puts == [pending, cssV3])

        // The next deploy is of another build: v3's stylesheet is an orphan, ours to remove.
        clock.advance(60)
        try site.build(version: 4)
        let report = try await BehaviourSuite.publisher(target, clock: clock, retain: 1, grace: 0)
            .publish(buildDirectory: site.build, allowManyDeletes: true)
        #expect(report.deleted.contains(cssV3))
        #expect(report.deleted.contains(pending))
        #expect(report.deleted.last.map(DeployRecord.isRecordKey) == true, "records go last: \(report.deleted)")
        #expect(try await target.head(cssV3) == nil)
        #expect(try await target.list(prefix: DeployRecord.pendingFolder).isEmpty)
        #expect(try await brokenReferences(on: target).isEmpty)
    }

    /// A finished deploy leaves no pending record behind.
    static func finishedDeployLeavesNoPendingRecord(_ target: any PublishTarget) async throws {
        let site = try SiteFixture()
        defer { site.remove() }
        try site.build(version: 1)
        let recording = RecordingTarget(target)
        _ = try await BehaviourSuite.publisher(recording, clock: TestClock()).publish(buildDirectory: site.build)
        #expect(recording.puts.first?.hasPrefix(DeployRecord.pendingFolder) == true)
        #expect(try await target.list(prefix: DeployRecord.pendingFolder).isEmpty)
    }
}

@Suite("Prune ownership: local folder")
struct LocalPruneOwnershipTests {
    func withTarget(_ body: (LocalFolderTarget) async throws -> Void) async throws {
        let folder = TargetSafetyTests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(LocalFolderTarget(root: folder))
    }

    @Test func foreignObjectsSurvive() async throws { try await withTarget { try await PruneOwnership.foreignObjectsSurvive($0) } }
    @Test func interruptedDeployIsPrunedLater() async throws {
        try await withTarget { try await PruneOwnership.interruptedDeployIsPrunedLater($0) }
    }
    @Test func finishedDeployLeavesNoPendingRecord() async throws {
        try await withTarget { try await PruneOwnership.finishedDeployLeavesNoPendingRecord($0) }
    }
}

@Suite("Prune ownership: S3 target on SeaweedFS", .enabled(if: S3TestServer.shouldRun))
struct S3PruneOwnershipTests {
    @Test func foreignObjectsSurvive() async throws { try await PruneOwnership.foreignObjectsSurvive(try S3TestServer.target()) }
    @Test func interruptedDeployIsPrunedLater() async throws {
        try await PruneOwnership.interruptedDeployIsPrunedLater(try S3TestServer.target())
    }
    @Test func finishedDeployLeavesNoPendingRecord() async throws {
        try await PruneOwnership.finishedDeployLeavesNoPendingRecord(try S3TestServer.target())
    }
}

/// Records and pointers read back from a target are data: each hostile one is refused by publish
/// and rollback with a message naming the record and the path, and the target is left as it was.
@Suite("Deploy records are data")
struct HostileRecordTests {
    struct Tamper: CustomTestStringConvertible, Sendable {
        var name: String
        var edit: @Sendable (inout [String: Any]) -> Void
        var expected: String
        var testDescription: String { name }
    }

    static func setPath(_ path: String) -> @Sendable (inout [String: Any]) -> Void {
        { record in
            var files = record["files"] as! [[String: Any]]
            files[0]["path"] = path
            record["files"] = files
        }
    }

    static let tampers: [Tamper] = [
        Tamper(name: "a path over the deploy history", edit: setPath(".dropgen/deploys/20260101T000000Z-00000000.json"),
               expected: "path '.dropgen/deploys/20260101T000000Z-00000000.json' is in the publisher's own namespace (.dropgen/)"),
        Tamper(name: "a path over a rollback object", edit: setPath(".dropgen/objects/" + String(repeating: "a", count: 64)),
               expected: "is in the publisher's own namespace (.dropgen/)"),
        Tamper(name: "a path over the live pointer", edit: setPath(".dropgen/live.json"),
               expected: "path '.dropgen/live.json' is in the publisher's own namespace (.dropgen/)"),
        Tamper(name: "a path into the sidecars", edit: setPath(".dropgen-meta/index.html.json"),
               expected: "path '.dropgen-meta/index.html.json': .dropgen-meta/ holds the publisher's metadata sidecars"),
        Tamper(name: "a path out of the target", edit: setPath("../../outside.html"),
               expected: "path '../../outside.html': it would leave the target's root"),
        Tamper(name: "a path with a line break", edit: setPath("index.html\n/evil"),
               expected: "contains a control character"),
        Tamper(name: "a malformed hash", edit: { record in
                   var files = record["files"] as! [[String: Any]]
                   files[0]["sha256"] = "../../x"
                   record["files"] = files
               }, expected: "sha256 '../../x' is not 64 hex digits"),
        Tamper(name: "an id that is not its name", edit: { $0["id"] = "../live" },
               expected: "its id '../live' does not match its name"),
        Tamper(name: "a manifest hash its id does not name", edit: { $0["manifest_sha256"] = String(repeating: "f", count: 64) },
               expected: "is not the hash its id names"),
        Tamper(name: "a path listed twice", edit: { record in
                   let files = record["files"] as! [[String: Any]]
                   record["files"] = files + [files[0]]
               }, expected: "is listed twice"),
        // Found by fuzzing (Fuzz/Corpus/deploy-record/regression-sizes-overflow): listing the deploys trapped.
        Tamper(name: "sizes that add up past Int.max", edit: { record in
                   let files = record["files"] as! [[String: Any]]
                   var big = files[0]
                   big["path"] = "zz-big.bin"
                   record["files"] = (files + [big]).map { file in var file = file; file["size"] = Int.max; return file }
               }, expected: "the sizes add up to more than 9223372036854775807 bytes"),
    ]

    /// A folder target where v1 and then v3 were published; `first` is v1's deploy id.
    static func withTwoDeploys(_ body: (_ target: LocalFolderTarget, _ folder: URL, _ site: SiteFixture, _ clock: TestClock,
                                        _ first: String) async throws -> Void) async throws {
        let folder = TargetSafetyTests.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = LocalFolderTarget(root: folder)
        let site = try SiteFixture()
        defer { site.remove() }
        let clock = TestClock()
        try site.build(version: 1)
        let first = try #require(try await BehaviourSuite.publisher(target, clock: clock).publish(buildDirectory: site.build).deployID)
        clock.advance(60)
        try site.build(version: 3)
        _ = try await BehaviourSuite.publisher(target, clock: clock).publish(buildDirectory: site.build)
        try await body(target, folder, site, clock, first)
    }

    @Test(arguments: tampers)
    func tamperedRecordIsRefused(_ tamper: Tamper) async throws {
        try await Self.withTwoDeploys { target, folder, site, clock, first in
            // Tamper with the first deploy's record, as anyone with write access to the store could.
            let key = DeployRecord.key(for: first)
            let stored = try #require(try await target.get(key))
            var json = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
            tamper.edit(&json)
            let data = try JSONSerialization.data(withJSONObject: json)
            _ = try await target.put(key, body: data, headers: PruneOwnership.headers, createOnly: false)
            let before = TargetSafetyTests.snapshot(folder)

            clock.advance(7200)
            for attempt in ["rollback", "publish"] {
                do {
                    if attempt == "rollback" {
                        _ = try await BehaviourSuite.publisher(target, clock: clock).rollback(to: first)
                    } else {
                        try site.build(version: 4)
                        _ = try await BehaviourSuite.publisher(target, clock: clock, retain: 1, grace: 0)
                            .publish(buildDirectory: site.build, allowManyDeletes: true)
                    }
                    Issue.record("\(attempt) acted on a tampered record")
                } catch let error as PublishError {
                    #expect(error.description.hasPrefix("\(key): unreadable deploy record: "), "\(attempt): \(error)")
                    #expect(error.description.contains(tamper.expected), "\(attempt): \(error)")
                }
                #expect(TargetSafetyTests.snapshot(folder) == before, "\(attempt) changed the target")
            }
        }
    }

    @Test func pointerNamingAnotherPlaceIsRefused() async throws {
        for id in ["../../etc/passwd", "20261118T110640Z-0000000g", String(repeating: "2", count: 10_000)] {
            let data = try JSONSerialization.data(withJSONObject: ["id": id, "history": [], "updated_at": ""])
            #expect(throws: PublishError.self) { _ = try LivePointer.decode(data) }
        }
        let long = try JSONSerialization.data(withJSONObject: [
            "id": "20261118T110640Z-00000000", "history": Array(repeating: "20261118T110640Z-00000001", count: 101), "updated_at": "",
        ])
        #expect(throws: PublishError.self) { _ = try LivePointer.decode(long) }
    }

    @Test func rollbackRefusesObjectsHoldingOtherBytes() async throws {
        try await Self.withTwoDeploys { target, folder, _, clock, first in
            // The kept copy of v1's index.html now holds other bytes.
            let page = try #require(SiteFixture.files(version: 1)["index.html"])
            let object = DeployRecord.objectsFolder + SHA256.hash(data: page).hex
            let evil = Data("<script>evil()</script>".utf8)
            _ = try await target.put(object, body: evil, headers: ObjectHeaders(contentType: "text/html", cacheControl: "no-cache",
                                                                                sha256: SHA256.hash(data: evil).hex), createOnly: false)
            let before = TargetSafetyTests.snapshot(folder)
            do {
                _ = try await BehaviourSuite.publisher(target, clock: clock).rollback(to: first)
                Issue.record("rollback copied an object holding other bytes")
            } catch let error as PublishError {
                #expect(error.description.contains("path 'index.html': \(object) holds other bytes"), "\(error)")
            }
            #expect(TargetSafetyTests.snapshot(folder) == before)
        }
    }
}
