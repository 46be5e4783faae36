import Crypto
import Foundation
import Publisher

#if canImport(Glibc)
import Glibc
#endif

/// What a build produces, before anything touches the disk: output path → bytes.
public struct OutputTree: Sendable {
    public var files: [String: Data] = [:]

    public init(files: [String: Data] = [:]) { self.files = files }

    public subscript(path: String) -> String? {
        files[path].map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Writes a build into a fresh sibling folder and swaps it onto the output folder, so a failed
/// build never leaves a half-written site behind.
public enum OutputWriter {
    /// The output folder cannot be used: it holds files dropgen did not write, or is the site itself.
    public struct Refused: Error, CustomStringConvertible { public var description: String }

    static func prepareStaging(for output: URL) throws -> URL {
        let manager = FileManager.default
        let parent = output.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw Refused(description: "cannot make the folder \(parent.path) for --out: \(Self.reason(error))")
        }
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: output.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw Refused(description: "\(output.path) is a file, not a dropgen output folder; remove it or pass another --out")
            }
            if !manager.fileExists(atPath: output.appendingPathComponent(BuildManifest.relativePath).path),
               (try? manager.contentsOfDirectory(atPath: output.path))?.isEmpty != true {
                throw Refused(description: "\(output.path) exists and was not written by dropgen (no \(BuildManifest.relativePath)); remove it or pass another --out")
            }
        }
        removeLeftovers(of: output)
        let staging = sibling(of: output, "staging", ProcessInfo.processInfo.processIdentifier)
        try? manager.removeItem(at: staging)
        do {
            try manager.createDirectory(at: staging.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
            // The mark that tells a later build this folder is dropgen's to remove, should this one be killed.
            try writeFile(Data(), to: staging.appendingPathComponent(BuildManifest.incompleteMarker).path)
        } catch {
            throw Refused(description: "cannot write beside \(output.path) (the build stages its output in \(staging.lastPathComponent)): \(Self.reason(error))")
        }
        return staging
    }

    static func reason(_ error: any Error) -> String {
        (error as? WriteFailed).map { String(cString: strerror($0.code)) } ?? error.localizedDescription
    }

    /// `.public.staging-<pid>` and `.public.old-<pid>` beside `public/`: a build's folders on the way in and out.
    static func sibling(of output: URL, _ role: String, _ pid: Int32) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).\(role)-\(pid)")
    }

    /// Removes the staging and old-output folders of builds that were killed: named as ours, of a
    /// process no longer running, and holding dropgen's mark (a staging folder's `incomplete`, an
    /// old output's manifest) or nothing at all.
    static func removeLeftovers(of output: URL) {
        let manager = FileManager.default
        let parent = output.deletingLastPathComponent()
        guard let names = try? manager.contentsOfDirectory(atPath: parent.path) else { return }
        let own = ProcessInfo.processInfo.processIdentifier
        for name in names {
            for role in ["staging", "old"] {
                let prefix = ".\(output.lastPathComponent).\(role)-"
                guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)), pid > 0,
                      pid == own || (kill(pid, 0) != 0 && errno == ESRCH) else { continue }
                let folder = parent.appendingPathComponent(name)
                let marked = [BuildManifest.incompleteMarker, BuildManifest.relativePath].contains {
                    manager.fileExists(atPath: folder.appendingPathComponent($0).path)
                }
                if marked || (try? manager.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
                    try? manager.removeItem(at: folder)
                }
            }
        }
    }

    struct Written {
        /// Manifest entries of the files written from the tree, by path.
        var entries: [String: BuildManifest.Entry]
        var written: Int
        var reused: Int
    }

    /// Files written as they are made, from many tasks at once, into a fresh folder (a cold
    /// build's staging folder), each with the folders it needs. The first failure is kept and
    /// stops further writes; `finish()` reports it.
    final class Stream: OutputSink, @unchecked Sendable {
        let folder: URL
        private let path: String
        private let lock = NSLock()
        private var entries: [String: BuildManifest.Entry] = [:]
        private var failure: (any Error)?

        init(into folder: URL) {
            self.folder = folder
            path = folder.path
        }

        func write(_ path: String, _ data: Data) {
            guard lock.withLock({ failure == nil }) else { return }
            do {
                try OutputWriter.write(data, to: path, in: self.path)
                let entry = OutputWriter.entry(path, sha256: hexString(SHA256.hash(data: data)), size: data.count)
                lock.withLock { entries[path] = entry }
            } catch {
                lock.withLock { failure = failure ?? error }
            }
        }

        /// Writes a whole tree, in parallel.
        func write(_ tree: OutputTree) async {
            _ = await concurrentMap(chunked(Array(tree.files), into: ProcessInfo.processInfo.activeProcessorCount * 4)) { chunk in
                for (path, data) in chunk { self.write(path, data) }
            }
        }

        /// Manifest entries of every file written, by path.
        func finish() throws -> [String: BuildManifest.Entry] {
            try lock.withLock {
                if let failure { throw failure }
                return entries
            }
        }
    }

    /// Writes a file, making its folders when they are missing (found out by the write itself:
    /// asking first would cost every file a lookup).
    static func write(_ data: Data, to path: String, in folder: String) throws {
        do {
            try writeFile(data, to: folder + "/" + path)
        } catch let failure as WriteFailed where failure.code == ENOENT {
            try makeFolder(parent(of: path), in: folder)
            try writeFile(data, to: folder + "/" + path)
        }
    }

    /// `mkdir -p`, tolerating other tasks making the same folders at the same time.
    private static func makeFolder(_ relative: String, in folder: String) throws {
        guard !relative.isEmpty else { return }
        let full = folder + "/" + relative
        if mkdir(full, 0o755) == 0 || errno == EEXIST { return }
        guard errno == ENOENT else { throw WriteFailed(path: full, code: errno) }
        try makeFolder(parent(of: relative), in: folder)
        guard mkdir(full, 0o755) == 0 || errno == EEXIST else { throw WriteFailed(path: full, code: errno) }
    }

    /// The build an output folder holds: its manifest and page fingerprints. nil when the folder
    /// is missing, was not written by dropgen, or holds an update that did not finish.
    struct PreviousBuild: Sendable {
        var folder: URL
        var entries: [String: BuildManifest.Entry]
        var fingerprints: PageFingerprints

        static func at(_ folder: URL) -> PreviousBuild? {
            let manager = FileManager.default
            guard !manager.fileExists(atPath: folder.appendingPathComponent(BuildManifest.incompleteMarker).path),
                  let data = manager.contents(atPath: folder.appendingPathComponent(BuildManifest.relativePath).path),
                  let manifest = try? BuildManifest.decode(data) else { return nil }
            let fingerprints = manager.contents(atPath: folder.appendingPathComponent(PageFingerprints.relativePath).path)
                .map(PageFingerprints.decode) ?? PageFingerprints()
            return PreviousBuild(folder: folder, entries: Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }),
                                 fingerprints: fingerprints)
        }

        /// Whether the file is on disk as the manifest says (same size): a page deleted or
        /// truncated by hand is rendered again even when its fingerprint matches.
        func isIntact(_ path: String) -> Bool {
            withFolder(folder.path) { isIntact(path, in: $0) }
        }

        func isIntact(_ path: String, in descriptor: Int32) -> Bool {
            guard let entry = entries[path] else { return false }
            return hasFile(path, size: entry.size, in: descriptor)
        }

        /// Fingerprints of the pages whose files are intact.
        func usableFingerprints() async -> PageFingerprints {
            let paths = fingerprints.byPath.keys.sorted()
            let intact = await concurrentMap(chunked(paths, into: ProcessInfo.processInfo.activeProcessorCount * 4)) { chunk in
                withFolder(folder.path) { descriptor in chunk.filter { isIntact($0, in: descriptor) } }
            }
            var usable = PageFingerprints()
            for path in intact.joined() { usable[path] = fingerprints[path] }
            return usable
        }
    }

    /// Brings the previous output up to date in place: writes only files whose bytes changed
    /// (each through a temporary name and a rename, so a reader never sees half a file), keeps
    /// `reused` pages and `keep` files as they are, and removes what the build no longer makes.
    /// `.dropgen/incomplete` marks the folder while this runs; the next build starts over cold
    /// and `publish` refuses it, should the process die half-way.
    static func update(_ tree: OutputTree, reused: Set<String>, keep: Set<String>, previous: PreviousBuild) async throws -> Written {
        let folder = previous.folder
        try markIncomplete(folder)
        let paths = tree.files.keys.sorted()
        try makeParents(of: paths.filter { previous.entries[$0] == nil }, in: folder)
        let results = await concurrentMap(chunked(paths, into: ProcessInfo.processInfo.activeProcessorCount * 4)) { chunk in
            chunk.map { path -> Result<(BuildManifest.Entry, changed: Bool), Error> in
                let data = tree.files[path]!
                let written = entry(path, sha256: hexString(SHA256.hash(data: data)), size: data.count)
                if previous.entries[path]?.sha256 == written.sha256, previous.isIntact(path) { return .success((written, false)) }
                let target = folder.path + "/" + path
                let temporary = target + ".dropgen-new"
                return Result {
                    try writeFile(data, to: temporary)
                    guard rename(temporary, target) == 0 else { throw WriteFailed(path: target, code: errno) }
                    return (written, true)
                }
            }
        }
        var result = Written(entries: [:], written: 0, reused: 0)
        for outcome in results.joined() {
            let (entry, changed) = try outcome.get()
            result.entries[entry.path] = entry
            if changed { result.written += 1 } else { result.reused += 1 }
        }
        for path in reused.union(keep) {
            result.entries[path] = previous.entries[path]
        }
        result.reused += reused.count
        for path in previous.entries.keys.sorted() where result.entries[path] == nil {
            try removeFile(path, in: folder)
        }
        return result
    }

    /// Whether `folder/path` exists with this size.
    /// `path` looked up relative to the open output folder: the checks run over every output
    /// file, and a lookup from the root walks the folder's whole path each time.
    static func hasFile(_ path: String, size: Int, in folder: Int32) -> Bool {
        var status = stat()
        return fstatat(folder, path, &status, 0) == 0 && Int(status.st_size) == size
    }

    /// Runs `body` with a descriptor of the folder (-1 when it cannot be opened: every lookup fails).
    static func withFolder<T>(_ path: String, _ body: (Int32) -> T) -> T {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if descriptor >= 0 { close(descriptor) } }
        return body(descriptor)
    }

    static func markIncomplete(_ folder: URL) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
        try writeFile(Data(), to: folder.appendingPathComponent(BuildManifest.incompleteMarker).path)
    }

    static func markComplete(_ folder: URL) {
        unlink(folder.appendingPathComponent(BuildManifest.incompleteMarker).path)
    }

    /// Writes small bookkeeping files (`.dropgen/…`) through a temporary name, and only when
    /// their bytes changed.
    static func replace(_ relativePath: String, in folder: URL, with data: Data) throws {
        let target = folder.appendingPathComponent(relativePath).path
        if FileManager.default.contents(atPath: target) == data { return }
        try writeFile(data, to: target + ".dropgen-new")
        guard rename(target + ".dropgen-new", target) == 0 else { throw WriteFailed(path: target, code: errno) }
    }

    /// Removes a file the build no longer makes, and the folders that leaves empty.
    private static func removeFile(_ path: String, in folder: URL) throws {
        guard unlink(folder.appendingPathComponent(path).path) == 0 || errno == ENOENT else {
            throw WriteFailed(path: folder.appendingPathComponent(path).path, code: errno)
        }
        var parent = (path as NSString).deletingLastPathComponent
        while !parent.isEmpty, rmdir(folder.appendingPathComponent(parent).path) == 0 {
            parent = (parent as NSString).deletingLastPathComponent
        }
    }

    /// Creates the folders the paths need, parents first, with plain `mkdir` calls.
    private static func makeParents(of paths: [String], in folder: URL) throws {
        var needed: Set<String> = []
        for path in paths {
            var directory = parent(of: path)
            while !directory.isEmpty, needed.insert(directory).inserted { directory = parent(of: directory) }
        }
        // Sorted, a parent comes before its children.
        for directory in needed.sorted() {
            let full = folder.path + "/" + directory
            guard mkdir(full, 0o755) == 0 || errno == EEXIST else { throw WriteFailed(path: full, code: errno) }
        }
    }

    /// `drops/a/index.html` → `drops/a`; `index.html` → "".
    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    struct WriteFailed: Error, CustomStringConvertible {
        var path: String
        var code: Int32
        var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
    }

    /// A plain write without fsync: the folder is published by one rename at the end, and a
    /// crashed build is simply run again.
    static func writeFile(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteFailed(path: path, code: errno) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw WriteFailed(path: path, code: errno)
                }
                offset += count
            }
        }
    }

    /// The manifest: entries hashed while writing, plus the media files (hashed here).
    static func manifest(of folder: URL, known: [String: BuildManifest.Entry], media: [String]) throws -> BuildManifest {
        var entries = Array(known.values)
        for path in media where known[path] == nil {
            let data = try Data(contentsOf: folder.appendingPathComponent(path), options: .mappedIfSafe)
            entries.append(entry(path, sha256: hexString(SHA256.hash(data: data)), size: data.count))
        }
        return BuildManifest(files: entries)
    }

    static func entry(_ path: String, sha256: String, size: Int) -> BuildManifest.Entry {
        BuildManifest.Entry(path: path, sha256: sha256, size: size, contentType: EdgeRules.contentType(for: path),
                            hashed: EdgeRules.isContentHashed(path), cacheClass: EdgeRules.cacheClass(for: path))
    }

    /// Puts the staging folder where the output was: the previous output stays intact until the
    /// new one is complete.
    static func swap(staging: URL, onto output: URL) throws {
        let manager = FileManager.default
        let old = sibling(of: output, "old", ProcessInfo.processInfo.processIdentifier)
        try? manager.removeItem(at: old)
        unlink(staging.appendingPathComponent(BuildManifest.incompleteMarker).path)
        let hadOutput = manager.fileExists(atPath: output.path)
        if hadOutput { try manager.moveItem(at: output, to: old) }
        do {
            try manager.moveItem(at: staging, to: output)
        } catch {
            if hadOutput { try? manager.moveItem(at: old, to: output) }
            throw error
        }
        if hadOutput { try? manager.removeItem(at: old) }
    }
}

/// A file's bytes, read straight into one buffer of the size `stat` gave (growing if the file
/// grew since): `FileManager.contents(atPath:)` cost a tenth of loading each drop file.
func readFile(_ path: String, size: Int?) -> Data? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var data = Data(count: (size ?? 0) + 1)
    var filled = 0
    while true {
        if filled == data.count { data.count *= 2 }
        let count = data.withUnsafeMutableBytes { buffer in
            read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
        }
        if count < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if count == 0 { break }
        filled += count
    }
    data.count = filled
    return data
}
