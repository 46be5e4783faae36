import Crypto
import Foundation
import SiteManifest

/// Writes a build into a fresh sibling folder and swaps it onto the output folder, so a failed
/// build never leaves a half-written site behind.
public enum OutputWriter {
    /// The output folder cannot be used: it holds files dropgen did not write, or is the site itself.
    public struct Refused: Error, CustomStringConvertible { public var description: String }

    struct Written {
        /// Manifest entries of the files written from the tree, by path.
        var entries: [String: BuildManifest.Entry]
        var written: Int
        var reused: Int
    }

    static func markIncomplete(_ folder: URL) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
        try writeFile(Data(), to: folder.appendingPathComponent(BuildManifest.incompleteMarker).path)
    }

    static func markComplete(_ folder: URL) {
        removeIfPresent(folder.appendingPathComponent(BuildManifest.incompleteMarker).path)
    }

    /// Writes small bookkeeping files (`.dropgen/…`) through a temporary name, and only when
    /// their bytes changed.
    static func replace(_ relativePath: String, in folder: URL, with data: Data) throws {
        let target = folder.appendingPathComponent(relativePath).path
        if FileManager.default.contents(atPath: target) == data { return }
        try writeFile(data, to: target + ".dropgen-new")
        try moveFile(target + ".dropgen-new", to: target)
    }

    /// The manifest: entries hashed while writing, plus the media files (hashed here).
    static func manifest(of folder: URL, known: [String: BuildManifest.Entry], media: [String]) throws -> BuildManifest {
        var entries = Array(known.values)
        for path in media where known[path] == nil {
            let data = try Data(contentsOf: folder.appendingPathComponent(path), options: .mappedIfSafe)
            entries.append(BuildManifest.Entry(path: path, bytes: data))
        }
        return BuildManifest(files: entries)
    }
}
