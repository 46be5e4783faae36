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

        init(modified: Double, size: Int) {
            self.modified = modified
            self.size = size
        }

        init(_ status: stat) {
            self.init(modified: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9, size: Int(status.st_size))
        }
    }

    let root: URL

    /// Every visible input file with its modification time and size (dot files are skipped, as
    /// the build skips them). Plain `readdir` and `stat`: this runs every interval over sites of
    /// ten thousand files, and must cost little next to a rebuild.
    func fingerprint() -> [String: Stamp] {
        var stamps: [String: Stamp] = [:]
        for input in Self.inputs {
            var status = stat()
            guard stat(root.path + "/" + input, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                walk(root.path + "/" + input, named: input, into: &stamps, depth: 0)
            } else {
                stamps[input] = Stamp(status)
            }
        }
        return stamps
    }

    /// Entries are looked up relative to their open folder (`fstatat`), not by full path.
    private func walk(_ path: String, named name: String, into stamps: inout [String: Stamp], depth: Int) {
        guard depth < 32, let directory = opendir(path) else { return }
        defer { closedir(directory) }
        let folder = dirfd(directory)
        while let entry = readdir(directory) {
            let child = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if child.hasPrefix(".") { continue }
            var status = stat()
            guard fstatat(folder, child, &status, 0) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                walk(path + "/" + child, named: name + "/" + child, into: &stamps, depth: depth + 1)
            } else {
                stamps[name + "/" + child] = Stamp(status)
            }
        }
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
