import Foundation

/// Notices edits by polling modification times and sizes: portable, needs no extra package, and
/// cheap enough every ~300 ms for the sites dropgen makes.
struct SiteWatcher: Sendable {
    /// What a build reads: anything else in the site folder (public/, caches, .git, CI files)
    /// never triggers a rebuild.
    static let inputs = ["dropgen.yaml", "content", "templates", "static", "data"]

    struct Stamp: Equatable, Sendable {
        var modified: Double
        var size: Int
    }

    let root: URL

    /// Every visible input file with its modification time and size (dot files are skipped, as
    /// the build skips them).
    func fingerprint() -> [String: Stamp] {
        let keys: [URLResourceKey] = [.contentModificationDateKey, .fileSizeKey, .isDirectoryKey]
        let manager = FileManager.default
        var stamps: [String: Stamp] = [:]
        for input in Self.inputs {
            let url = root.appendingPathComponent(input)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue {
                stamps[input] = stamp(url, keys: keys)
                continue
            }
            guard let enumerator = manager.enumerator(at: url, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else { continue }
            let base = url.standardizedFileURL.path
            for case let file as URL in enumerator {
                let path = file.standardizedFileURL.path
                guard path.hasPrefix(base + "/"), (try? file.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) != true else { continue }
                stamps[input + "/" + String(path.dropFirst(base.count + 1))] = stamp(file, keys: keys)
            }
        }
        return stamps
    }

    private func stamp(_ url: URL, keys: [URLResourceKey]) -> Stamp {
        let values = try? url.resourceValues(forKeys: Set(keys))
        return Stamp(modified: values?.contentModificationDate?.timeIntervalSince1970 ?? 0, size: values?.fileSize ?? 0)
    }

    /// Waits until the site differs from `baseline`, then until it holds still for one interval
    /// (an editor saving several files, or a `git checkout`, gives one rebuild). Returns the
    /// settled fingerprint; throws CancellationError when the server stops.
    func nextChange(after baseline: [String: Stamp], interval: Duration) async throws -> [String: Stamp] {
        var current = baseline
        while current == baseline {
            try await Task.sleep(for: interval)
            current = fingerprint()
        }
        while true {
            try await Task.sleep(for: interval)
            let next = fingerprint()
            if next == current { return next }
            current = next
        }
    }

    /// Paths that were added, removed or changed, for the terminal.
    static func changes(from old: [String: Stamp], to new: [String: Stamp]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}
