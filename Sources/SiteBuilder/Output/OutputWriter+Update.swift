import Crypto
import Foundation
import SiteManifest

extension OutputWriter {
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
                let written = BuildManifest.Entry(path: path, bytes: data)
                if previous.entries[path]?.sha256 == written.sha256, previous.isIntact(path) { return .success((written, false)) }
                let target = folder.path + "/" + path
                let temporary = target + ".dropgen-new"
                return Result {
                    try writeFile(data, to: temporary)
                    try moveFile(temporary, to: target)
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
}
