import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The output's system calls, in one place: plain `open`/`write`/`mkdir`/`rename`/`unlink`, which
/// over tens of thousands of files cost a fraction of FileManager's.
extension OutputWriter {
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

    /// Removes a file the build no longer makes, and the folders that leaves empty.
    static func removeFile(_ path: String, in folder: URL) throws {
        guard unlink(folder.appendingPathComponent(path).path) == 0 || errno == ENOENT else {
            throw WriteFailed(path: folder.appendingPathComponent(path).path, code: errno)
        }
        var parent = (path as NSString).deletingLastPathComponent
        while !parent.isEmpty, rmdir(folder.appendingPathComponent(parent).path) == 0 {
            parent = (parent as NSString).deletingLastPathComponent
        }
    }

    /// Creates the folders the paths need, parents first, with plain `mkdir` calls.
    static func makeParents(of paths: [String], in folder: URL) throws {
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

    /// `rename(2)`: puts a file written under a temporary name in place, atomically.
    static func moveFile(_ source: String, to target: String) throws {
        guard rename(source, target) == 0 else { throw WriteFailed(path: target, code: errno) }
    }

    /// `unlink(2)`, for a file that may be missing.
    static func removeIfPresent(_ path: String) {
        unlink(path)
    }

    /// Whether no process has this id: its leftover folders are free to remove.
    static func processIsGone(_ pid: Int32) -> Bool {
        kill(pid, 0) != 0 && errno == ESRCH
    }

    /// The system's words for the failure of a write.
    static func reason(_ error: any Error) -> String {
        (error as? WriteFailed).map { String(cString: strerror($0.code)) } ?? error.localizedDescription
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
