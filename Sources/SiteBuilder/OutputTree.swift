import Crypto
import Foundation
import Publisher

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

    /// Writes the tree into `folder`. A file whose bytes equal the previous output's (same
    /// sha256 in its manifest, same size on disk) is hard-linked from there instead: an
    /// unchanged rebuild rewrites nothing. Outputs are never modified in place, so sharing an
    /// inode with the previous build is safe.
    static func write(_ tree: OutputTree, into folder: URL, previous: URL?) throws -> Written {
        let manager = FileManager.default
        var previousHashes: [String: String] = [:]
        if let previous, let data = manager.contents(atPath: previous.appendingPathComponent(BuildManifest.relativePath).path),
           let manifest = try? BuildManifest.decode(data) {
            for entry in manifest.files { previousHashes[entry.path] = entry.sha256 }
        }
        var result = Written(entries: [:], written: 0, reused: 0)
        var created: Set<String> = []
        for path in tree.files.keys.sorted() {
            let data = tree.files[path]!
            let url = folder.appendingPathComponent(path)
            let directory = url.deletingLastPathComponent().path
            if !created.contains(directory) {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
                created.insert(directory)
            }
            let digest = hexString(SHA256.hash(data: data))
            result.entries[path] = entry(path, sha256: digest, size: data.count)
            if let previous, previousHashes[path] == digest {
                let old = previous.appendingPathComponent(path).path
                var status = stat()
                if stat(old, &status) == 0, Int(status.st_size) == data.count, link(old, url.path) == 0 {
                    result.reused += 1
                    continue
                }
            }
            try data.write(to: url)
            result.written += 1
        }
        return result
    }

    /// Every file of the finished folder (pages, static files and media alike); files already
    /// hashed while writing are not read again.
    static func manifest(of folder: URL, known: [String: BuildManifest.Entry] = [:]) throws -> BuildManifest {
        var entries: [BuildManifest.Entry] = []
        for path in StaticFiles.walk(folder) where path != BuildManifest.relativePath {
            if let entry = known[path] {
                entries.append(entry)
                continue
            }
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
