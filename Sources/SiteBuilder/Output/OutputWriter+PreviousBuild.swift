import Foundation
import SiteManifest

extension OutputWriter {
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
}
