import Foundation
import SiteManifest
import SiteSource

#if canImport(Glibc)
import Glibc
#endif

/// The local write-ahead journal of stock events: an event is on disk (fsync) before a webhook
/// gets its 2xx, and stays there until the ledger at the target holds it (`checkpoint`). After a
/// crash at any point, `pending()` gives back every acknowledged event, so a restart replays them;
/// the ledger's dedupe makes a replay of an event already applied harmless.
///
/// One JSON object a line in `journal.jsonl`. Appends go to the end and are fsynced; a checkpoint
/// rewrites the file whole (temp file, fsync, rename, fsync of the folder), so the file is always
/// the old one or the new one. A line without its line feed is a write that never returned: it
/// was never acknowledged and is ignored, then cut off by the next append.
///
/// Thread-safe, and safe between processes (`dropgen live` and `dropgen stock` on one journal):
/// every operation holds an exclusive `flock` on the folder's lock file.
public final class StockJournal: Sendable {
    public let folder: URL
    /// dropgen's mark on the folder: an existing folder without it is refused, so a mistyped
    /// path never costs someone's files.
    public static let markerFile = ".dropgen-journal"
    public static let journalFile = "journal.jsonl"
    static let tempFile = ".journal.jsonl.tmp"
    static let lockFile = ".lock"
    /// Journal bytes read at most: far more than events waiting for one publish ever take.
    public static let maxBytes = 256 * 1024 * 1024

    private let mutex = NSLock()
    private let lockDescriptor: Int32

    /// `<site>/.dropgen-live/<target>/`: one journal per publish target, inside the site folder
    /// (and out of git: `.dropgen-live/` is in the site's `.gitignore`). Characters of the name
    /// other than letters, digits, `.`, `_` and `-` become `_`, so it is one folder name.
    public static func defaultFolder(siteRoot: URL, target: String) -> URL {
        var name = String(String.UnicodeScalarView(target.unicodeScalars.map {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) ? $0 : "_"
        }))
        if name.isEmpty || name.allSatisfy({ $0 == "." }) { name = "_" + name }
        return siteRoot.appendingPathComponent(".dropgen-live", isDirectory: true).appendingPathComponent(name, isDirectory: true)
    }

    /// Opens the journal in `folder`, making the folder (with dropgen's marker) when it is
    /// missing or empty; a folder holding anything without the marker is refused.
    public init(folder: URL) throws {
        self.folder = folder.standardizedFileURL
        let path = self.folder.path
        try Self.claim(path)
        let lockPath = path + "/" + Self.lockFile
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw JournalError(path: lockPath, message: Self.errorText()) }
        lockDescriptor = descriptor
        // A checkpoint killed before its rename leaves its temp file: the journal is the old one.
        _ = try locked { unlink(path + "/" + Self.tempFile) }
    }

    deinit { close(lockDescriptor) }

    /// Appends `events` and returns only after they are on disk (fsync of the file, and of the
    /// folder when the file was created). Each event is checked first: none is written if one is
    /// invalid.
    public func append(_ events: [StockEvent]) throws {
        guard !events.isEmpty else { return }
        var lines = Data()
        for event in events {
            if let problem = event.problem { throw JournalError(path: journalPath, message: "event \"\(LineSafe.terminalEscaped(event.id))\": \(problem)") }
            lines.append(Self.line(event))
        }
        try locked {
            let created = access(journalPath, F_OK) != 0
            let descriptor = open(journalPath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw JournalError(path: journalPath, message: Self.errorText()) }
            defer { close(descriptor) }
            try cutTornLine(descriptor)
            try Self.writeAll(lines, to: descriptor, path: journalPath)
            guard fsync(descriptor) == 0 else { throw JournalError(path: journalPath, message: "fsync: " + Self.errorText()) }
            if created { try Self.syncFolder(folder.path) }
        }
    }

    /// Every event since the last checkpoint, in the order appended; a torn last line is ignored.
    public func pending() throws -> [StockEvent] {
        try locked { try readLines().map(\.event) }
    }

    /// Drops the events of `applied` (by id) from the journal: they are now in the ledger at the
    /// target. An atomic rewrite: a crash leaves the old journal or the new one, never half of one.
    public func checkpoint(applied: [StockEvent]) throws {
        let done = Set(applied.map(\.id))
        guard !done.isEmpty else { return }
        try locked {
            let lines = try readLines()
            guard lines.contains(where: { done.contains($0.event.id) }) else { return }
            var kept = Data()
            for line in lines where !done.contains(line.event.id) { kept.append(line.bytes) }
            let temp = folder.path + "/" + Self.tempFile
            let descriptor = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw JournalError(path: temp, message: Self.errorText()) }
            do {
                try Self.writeAll(kept, to: descriptor, path: temp)
                guard fsync(descriptor) == 0 else { throw JournalError(path: temp, message: "fsync: " + Self.errorText()) }
            } catch {
                close(descriptor)
                unlink(temp)
                throw error
            }
            close(descriptor)
            guard rename(temp, journalPath) == 0 else { throw JournalError(path: journalPath, message: "rename: " + Self.errorText()) }
            try Self.syncFolder(folder.path)
        }
    }

    // MARK: - Lines

    var journalPath: String { folder.path + "/" + Self.journalFile }

    /// One event as one line: JSON (which escapes every line break inside strings) and "\n".
    static func line(_ event: StockEvent) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, integers and a time: encoding cannot fail.
        var data = try! encoder.encode(event)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The complete lines of the journal (a last line without "\n" left out), each decoded.
    /// A complete line that does not decode is damage dropgen did not do: an error naming it.
    private func readLines() throws -> [(event: StockEvent, bytes: Data)] {
        let descriptor = open(journalPath, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return [] }
            throw JournalError(path: journalPath, message: Self.errorText())
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw JournalError(path: journalPath, message: Self.errorText()) }
        guard Int(status.st_size) <= Self.maxBytes else {
            throw JournalError(path: journalPath, message: "is \(status.st_size) bytes; a journal holds at most \(Self.maxBytes)")
        }
        let data = try Self.readAll(descriptor, path: journalPath)
        let decoder = JSONDecoder()
        var lines: [(event: StockEvent, bytes: Data)] = []
        var start = data.startIndex
        var number = 0
        while let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            number += 1
            let bytes = data[start...end]
            do {
                lines.append((try decoder.decode(StockEvent.self, from: bytes), Data(bytes)))
            } catch {
                throw StockLedger.diagnostic(for: error, file: journalPath, line: number)
            }
            start = end + 1
        }
        return lines
    }

    /// Cuts a last line that has no line feed (a write killed midway): the next line must not
    /// be glued onto it.
    private func cutTornLine(_ descriptor: Int32) throws {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw JournalError(path: journalPath, message: Self.errorText()) }
        let size = Int(status.st_size)
        guard size > 0 else { return }
        var last: UInt8 = 0
        guard pread(descriptor, &last, 1, off_t(size - 1)) == 1 else { throw JournalError(path: journalPath, message: Self.errorText()) }
        guard last != UInt8(ascii: "\n") else { return }
        let data = try Self.readAll(descriptor, path: journalPath)
        let keep = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 - data.startIndex + 1 } ?? 0
        guard ftruncate(descriptor, off_t(keep)) == 0 else { throw JournalError(path: journalPath, message: "truncate: " + Self.errorText()) }
    }

    // MARK: - The folder

    /// Makes the folder with the marker when missing or empty; refuses one without the marker.
    private static func claim(_ path: String) throws {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        let exists = manager.fileExists(atPath: path, isDirectory: &isFolder)
        if exists && !isFolder.boolValue {
            throw JournalError(path: path, message: "is a file, not a folder: name a new or empty folder for the stock journal")
        }
        let marker = path + "/" + markerFile
        if exists {
            if manager.fileExists(atPath: marker) { return }
            guard (try? manager.contentsOfDirectory(atPath: path))?.isEmpty == true else {
                throw JournalError(path: path, message: "holds files dropgen did not write (it has no \(markerFile)); "
                                   + "name a new or empty folder for the stock journal, so nothing of yours is overwritten")
            }
        } else {
            do {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw JournalError(path: path, message: error.localizedDescription)
            }
        }
        let text = Data("This folder is a dropgen stock journal: `dropgen live` and `dropgen stock` write and rewrite here.\n".utf8)
        let descriptor = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw JournalError(path: marker, message: errorText()) }
        defer { close(descriptor) }
        try writeAll(text, to: descriptor, path: marker)
        guard fsync(descriptor) == 0 else { throw JournalError(path: marker, message: "fsync: " + errorText()) }
        try syncFolder(path)
        try syncFolder((path as NSString).deletingLastPathComponent)
    }

    // MARK: - System calls

    private func locked<T>(_ body: () throws -> T) throws -> T {
        try mutex.withLock {
            while flock(lockDescriptor, LOCK_EX) != 0 {
                guard errno == EINTR else { throw JournalError(path: folder.path + "/" + Self.lockFile, message: "flock: " + Self.errorText()) }
            }
            defer { flock(lockDescriptor, LOCK_UN) }
            return try body()
        }
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw JournalError(path: path, message: "write: " + errorText())
                }
                offset += written
            }
        }
    }

    private static func readAll(_ descriptor: Int32, path: String) throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw JournalError(path: path, message: "read: " + errorText())
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
            offset += off_t(count)
            if data.count > maxBytes { throw JournalError(path: path, message: "is over \(maxBytes) bytes; a journal holds at most \(maxBytes)") }
        }
    }

    /// fsync of a folder: a created or renamed file's name is durable only then.
    static func syncFolder(_ path: String) throws {
        let descriptor = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw JournalError(path: path, message: errorText()) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw JournalError(path: path, message: "fsync: " + errorText()) }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
