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

    static func write(_ tree: OutputTree, into folder: URL) throws {
        let manager = FileManager.default
        var created: Set<String> = []
        for path in tree.files.keys.sorted() {
            let url = folder.appendingPathComponent(path)
            let directory = url.deletingLastPathComponent().path
            if !created.contains(directory) {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
                created.insert(directory)
            }
            try tree.files[path]!.write(to: url)
        }
    }

    /// Hashes every file of the finished folder (pages, static files and media alike).
    static func manifest(of folder: URL) throws -> BuildManifest {
        var entries: [BuildManifest.Entry] = []
        for path in StaticFiles.walk(folder) where path != BuildManifest.relativePath {
            let data = try Data(contentsOf: folder.appendingPathComponent(path), options: .mappedIfSafe)
            let digest = hexString(SHA256.hash(data: data))
            entries.append(BuildManifest.Entry(path: path, sha256: digest, size: data.count,
                                               contentType: EdgeRules.contentType(for: path),
                                               hashed: EdgeRules.isContentHashed(path), cacheClass: EdgeRules.cacheClass(for: path)))
        }
        return BuildManifest(files: entries)
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
