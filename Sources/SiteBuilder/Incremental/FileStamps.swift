import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Size and modification time of every file below a folder, by `readdir` and `fstatat`: the
/// build's change check and `serve`'s watcher run it over sites of ten thousand files.
public enum FileStamps {
    public struct Stamp: Equatable, Sendable {
        public var size: Int
        /// Nanoseconds since 1970.
        public var modified: Int

        init(_ status: stat) {
            size = Int(status.st_size)
            modified = Int(status.st_mtim.tv_sec) * 1_000_000_000 + Int(status.st_mtim.tv_nsec)
        }
    }

    /// Files below `path`, or the file `path` itself, keyed `name` + the path below it. Symbolic
    /// links are followed, to a bounded depth (a link loop must not hang a build).
    public static func collect(_ path: String, named name: String, skippingHidden: Bool, into stamps: inout [String: Stamp]) {
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            walk(path, named: name, skippingHidden: skippingHidden, into: &stamps, depth: 0)
        } else {
            stamps[name] = Stamp(status)
        }
    }

    /// Entries are looked up relative to their open folder, not by full path.
    private static func walk(_ path: String, named name: String, skippingHidden: Bool, into stamps: inout [String: Stamp], depth: Int) {
        guard depth < 32, let directory = opendir(path) else { return }
        defer { closedir(directory) }
        let folder = dirfd(directory)
        var children: [String] = []
        while let entry = readdir(directory) {
            let child = entryName(entry)
            if child == "." || child == ".." || (skippingHidden && child.hasPrefix(".")) { continue }
            children.append(child)
        }
        func lookUp(_ child: String) -> stat? {
            var status = stat()
            return fstatat(folder, child, &status, 0) == 0 ? status : nil
        }
        // A large folder (a site's drops) is looked up on every core.
        let statuses = children.count < 512 ? children.map(lookUp)
            : concurrentlyMapped(children, lookUp)
        for (child, status) in zip(children, statuses) {
            guard let status else { continue }
            if (status.st_mode & S_IFMT) == S_IFDIR {
                walk(path + "/" + child, named: name + "/" + child, skippingHidden: skippingHidden, into: &stamps, depth: depth + 1)
            } else {
                stamps[name + "/" + child] = Stamp(status)
            }
        }
    }
}

/// The name of a `readdir` entry.
func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
    withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
