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
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        if manager.fileExists(atPath: output.path),
           !manager.fileExists(atPath: output.appendingPathComponent(BuildManifest.relativePath).path),
           let contents = try? manager.contentsOfDirectory(atPath: output.path), !contents.isEmpty {
            throw Refused(description: "\(output.path) exists and was not written by dropgen (no \(BuildManifest.relativePath)); remove it or pass another --out")
        }
        let staging = parent.appendingPathComponent(".\(output.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        return staging
    }

    struct Written {
        /// Manifest entries of the files written from the tree, by path.
        var entries: [String: BuildManifest.Entry]
        var written: Int
        var reused: Int
    }

    /// Writes the tree into `folder`, in parallel. A file whose bytes equal the previous
    /// output's (same sha256 in its manifest, same size on disk) is hard-linked from there
    /// instead: an unchanged rebuild rewrites nothing. Outputs are never modified in place, so
    /// sharing an inode with the previous build is safe.
    static func write(_ tree: OutputTree, into folder: URL, previous: URL?) async throws -> Written {
        let manager = FileManager.default
        var previousHashes: [String: String] = [:]
        if let previous, let data = manager.contents(atPath: previous.appendingPathComponent(BuildManifest.relativePath).path),
           let manifest = try? BuildManifest.decode(data) {
            for entry in manifest.files { previousHashes[entry.path] = entry.sha256 }
        }
        let paths = tree.files.keys.sorted()
        for directory in Set(paths.map { (($0 as NSString).deletingLastPathComponent) }).sorted() where !directory.isEmpty {
            try manager.createDirectory(atPath: folder.appendingPathComponent(directory).path, withIntermediateDirectories: true)
        }
        let hashes = previousHashes
        let results = await concurrentMap(chunked(paths, into: ProcessInfo.processInfo.activeProcessorCount * 4)) { chunk in
            chunk.map { path -> Result<(BuildManifest.Entry, reused: Bool), Error> in
                let data = tree.files[path]!
                let digest = hexString(SHA256.hash(data: data))
                let target = folder.appendingPathComponent(path).path
                if let previous, hashes[path] == digest {
                    let old = previous.appendingPathComponent(path).path
                    var status = stat()
                    if stat(old, &status) == 0, Int(status.st_size) == data.count, link(old, target) == 0 {
                        return .success((entry(path, sha256: digest, size: data.count), true))
                    }
                }
                do {
                    try writeFile(data, to: target)
                    return .success((entry(path, sha256: digest, size: data.count), false))
                } catch {
                    return .failure(error)
                }
            }
        }
        var result = Written(entries: [:], written: 0, reused: 0)
        for outcome in results.joined() {
            let (entry, reused) = try outcome.get()
            result.entries[entry.path] = entry
            if reused { result.reused += 1 } else { result.written += 1 }
        }
        return result
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
        let old = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
        try? manager.removeItem(at: old)
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
