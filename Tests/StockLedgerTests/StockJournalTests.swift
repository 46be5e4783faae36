import Foundation
import StockLedger
import Testing

/// The write-ahead journal: what `pending()` gives back after a crash at each step, and the
/// folder it refuses.
@Suite struct StockJournalTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000.5)

    static func event(_ id: String, _ change: StockEvent.Change = .sold(1), drop: String = "mug") -> StockEvent {
        StockEvent(id: id, drop: drop, change: change, at: t0, source: "dropgen")
    }

    /// A fresh folder path (not made) under a temp parent, removed afterwards.
    static func withFolder(_ body: (URL) throws -> Void) throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        try body(parent.appendingPathComponent(".dropgen-live/local"))
    }

    static func file(_ folder: URL) -> URL { folder.appendingPathComponent(StockJournal.journalFile) }

    @Test func appendPendingCheckpoint() throws {
        try Self.withFolder { folder in
            let journal = try StockJournal(folder: folder)
            #expect(try journal.pending() == [])
            try journal.append([Self.event("a"), Self.event("b", .remaining(4))])
            try journal.append([Self.event("c")])
            #expect(try journal.pending() == [Self.event("a"), Self.event("b", .remaining(4)), Self.event("c")])
            try journal.checkpoint(applied: [Self.event("a"), Self.event("b", .remaining(4))])
            #expect(try journal.pending() == [Self.event("c")])
            // Events the journal does not hold, or none: nothing changes.
            try journal.checkpoint(applied: [Self.event("zz")])
            try journal.checkpoint(applied: [])
            #expect(try journal.pending() == [Self.event("c")])
            try journal.checkpoint(applied: [Self.event("c")])
            #expect(try journal.pending() == [])
            #expect(try Data(contentsOf: Self.file(folder)).isEmpty)
        }
    }

    @Test func linesAreOneJSONObjectEach() throws {
        try Self.withFolder { folder in
            let journal = try StockJournal(folder: folder)
            try journal.append([Self.event("a"), Self.event("b", .remaining(4), drop: "blue-cup")])
            #expect(try String(contentsOf: Self.file(folder), encoding: .utf8) == """
                {"at":"2026-11-30T00:53:20.500Z","drop":"mug","id":"a","sold":1,"source":"dropgen"}
                {"at":"2026-11-30T00:53:20.500Z","drop":"blue-cup","id":"b","remaining":4,"source":"dropgen"}

                """)
        }
    }

    @Test func aNewJournalOnTheFolderSeesWhatTheLastOneAppended() throws {
        try Self.withFolder { folder in
            // Crash after append, before checkpoint: the process is gone, the events are not.
            do {
                let journal = try StockJournal(folder: folder)
                try journal.append([Self.event("a"), Self.event("b")])
            }
            let restarted = try StockJournal(folder: folder)
            let replay = try restarted.pending()
            #expect(replay == [Self.event("a"), Self.event("b")])
            // The ledger already held them (written before the crash): the replay changes nothing.
            var ledger = StockLedger.empty
            _ = ledger.apply(replay, opening: { _ in 5 })
            let before = ledger
            #expect(ledger.apply(replay, opening: { _ in 5 }) == [.duplicate, .duplicate])
            #expect(ledger == before)
        }
    }

    /// A write killed midway leaves a last line without its line feed: it was never acknowledged,
    /// so it is ignored, and the next append cuts it off instead of gluing onto it.
    @Test(arguments: [
        #"{"at":"2026-11-30T00:53:20.500Z","drop":"mug","id":"torn","so"#,
        #"{"at":"2026-11-30T00:53:20.500Z","drop":"mug","id":"torn","sold":1,"source":"dropgen"}"#,
        "\u{0}\u{0}\u{0}",
    ])
    func tornLastLine(_ torn: String) throws {
        try Self.withFolder { folder in
            let journal = try StockJournal(folder: folder)
            try journal.append([Self.event("a")])
            let whole = try Data(contentsOf: Self.file(folder))
            let handle = try FileHandle(forWritingTo: Self.file(folder))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(torn.utf8))
            try handle.close()
            let restarted = try StockJournal(folder: folder)
            #expect(try restarted.pending() == [Self.event("a")])
            try restarted.append([Self.event("b")])
            #expect(try restarted.pending() == [Self.event("a"), Self.event("b")])
            #expect(try Data(contentsOf: Self.file(folder)).prefix(whole.count) == whole)
            // A checkpoint leaves no torn line either.
            let handle2 = try FileHandle(forWritingTo: Self.file(folder))
            try handle2.seekToEnd()
            try handle2.write(contentsOf: Data(torn.utf8))
            try handle2.close()
            try restarted.checkpoint(applied: [Self.event("a")])
            #expect(try restarted.pending() == [Self.event("b")])
            #expect(try String(contentsOf: Self.file(folder), encoding: .utf8).hasSuffix("}\n"))
        }
    }

    /// A checkpoint killed while writing its temp file: the journal is the old one, whole; the
    /// temp file is removed when the journal is opened again.
    @Test func crashDuringCheckpointsTempFile() throws {
        try Self.withFolder { folder in
            let journal = try StockJournal(folder: folder)
            try journal.append([Self.event("a"), Self.event("b")])
            let temp = folder.appendingPathComponent(".journal.jsonl.tmp")
            try Data(#"{"at":"2026-11-30T00:53:20.500Z","dr"#.utf8).write(to: temp)
            let restarted = try StockJournal(folder: folder)
            #expect(!FileManager.default.fileExists(atPath: temp.path))
            #expect(try restarted.pending() == [Self.event("a"), Self.event("b")])
            try restarted.checkpoint(applied: [Self.event("a")])
            #expect(try restarted.pending() == [Self.event("b")])
        }
    }

    /// A checkpoint killed after its rename: the new journal, and an events that was already in
    /// the ledger stays out.
    @Test func crashAfterCheckpointsRename() throws {
        try Self.withFolder { folder in
            do {
                let journal = try StockJournal(folder: folder)
                try journal.append([Self.event("a"), Self.event("b")])
                try journal.checkpoint(applied: [Self.event("a")])
            }
            #expect(try StockJournal(folder: folder).pending() == [Self.event("b")])
        }
    }

    /// Two journals on one folder (`dropgen live` and `dropgen stock` at once): a checkpoint of
    /// one keeps what the other appended after it was read.
    @Test func twoWritersOnOneFolder() throws {
        try Self.withFolder { folder in
            let live = try StockJournal(folder: folder)
            let command = try StockJournal(folder: folder)
            try live.append([Self.event("a")])
            try command.append([Self.event("b")])
            try live.checkpoint(applied: [Self.event("a")])
            #expect(try command.pending() == [Self.event("b")])
            try live.append([Self.event("c")])
            #expect(try command.pending() == [Self.event("b"), Self.event("c")])
        }
    }

    @Test func concurrentAppendsFromManyTasksAreAllKept() async throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let journal = try StockJournal(folder: parent)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask { for index in 0..<25 { try journal.append([Self.event("t\(task)-\(index)")]) } }
            }
            try await group.waitForAll()
        }
        let ids = try journal.pending().map(\.id)
        #expect(ids.count == 200)
        #expect(Set(ids).count == 200)
    }

    @Test func anInvalidEventIsRefusedAndNothingIsWritten() throws {
        try Self.withFolder { folder in
            let journal = try StockJournal(folder: folder)
            #expect(throws: JournalError(path: folder.standardizedFileURL.path + "/journal.jsonl",
                                         message: "event \"b\": sold: must be 1...10000, not 0")) {
                try journal.append([Self.event("a"), Self.event("b", .sold(0))])
            }
            #expect(try journal.pending() == [])
        }
    }

    @Test func aDamagedCompleteLineIsAnErrorNamingIt() throws {
        try Self.withFolder { folder in
            let journal = try StockJournal(folder: folder)
            try journal.append([Self.event("a")])
            let handle = try FileHandle(forWritingTo: Self.file(folder))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(#"{"at":"2026-11-30T00:53:20Z","drop":"mug","id":"b","sold":-2,"source":"dropgen"}"#.utf8 + [10]))
            try handle.close()
            let path = folder.standardizedFileURL.path + "/journal.jsonl"
            #expect(throws: (any Error).self) { try journal.pending() }
            do {
                _ = try journal.pending()
            } catch {
                #expect("\(error)" == "\(path):2: sold: must be 1...10000, not -2")
            }
        }
    }

    // MARK: - The folder

    @Test func aNewFolderIsMarked() throws {
        try Self.withFolder { folder in
            _ = try StockJournal(folder: folder)
            let marker = try String(contentsOf: folder.appendingPathComponent(StockJournal.markerFile), encoding: .utf8)
            #expect(marker == "This folder is a dropgen stock journal: `dropgen live` and `dropgen stock` write and rewrite here.\n")
        }
    }

    @Test func anEmptyFolderIsTakenAndMarked() throws {
        try Self.withFolder { folder in
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            _ = try StockJournal(folder: folder)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(StockJournal.markerFile).path))
        }
    }

    @Test func aFolderWithFilesButNoMarkerIsRefused() throws {
        try Self.withFolder { folder in
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("mine\n".utf8).write(to: folder.appendingPathComponent("notes.txt"))
            let path = folder.standardizedFileURL.path
            #expect(throws: JournalError(path: path, message: "holds files dropgen did not write (it has no .dropgen-journal); "
                                         + "name a new or empty folder for the stock journal, so nothing of yours is overwritten")) {
                try StockJournal(folder: folder)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["notes.txt"])
        }
    }

    @Test func aFileIsRefused() throws {
        try Self.withFolder { folder in
            try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: folder)
            #expect(throws: JournalError(path: folder.standardizedFileURL.path,
                                         message: "is a file, not a folder: name a new or empty folder for the stock journal")) {
                try StockJournal(folder: folder)
            }
        }
    }

    @Test(arguments: [
        ("local", "/site/.dropgen-live/local/"),
        ("s3-prod_2.eu", "/site/.dropgen-live/s3-prod_2.eu/"),
        ("a/b", "/site/.dropgen-live/a_b/"),
        ("..", "/site/.dropgen-live/_../"),
        ("", "/site/.dropgen-live/_/"),
        ("prod live", "/site/.dropgen-live/prod_live/"),
    ])
    func defaultFolder(_ target: String, _ path: String) {
        #expect(StockJournal.defaultFolder(siteRoot: URL(fileURLWithPath: "/site"), target: target).path + "/" == path)
    }
}
