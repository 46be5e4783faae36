import Foundation

/// The one rule for symbolic links in a site: an input (the config, content, bundles, data,
/// templates, static files, media) may be a link, or sit in a linked folder, only when its real
/// path is inside the site's real folder. A template linked to `/proc/self/environ` would
/// otherwise put the build's environment into every page.
public struct SiteFolder: Sendable {
    /// The site root with its links resolved.
    let realRoot: String

    public init(root: URL) {
        realRoot = Self.realPath(root.path) ?? root.standardizedFileURL.path
    }

    public static let leavesMessage = "is a symbolic link that leaves the site folder"

    /// Whether the file or folder at `path` (absolute) resolves to a place outside the site. A
    /// path that cannot be resolved (missing, or a dangling link) does not leave: reading it fails,
    /// and says so.
    public func leaves(_ path: String) -> Bool {
        guard let real = Self.realPath(path) else { return false }
        return real != realRoot && !real.hasPrefix(realRoot + "/")
    }

    /// `realpath(3)`: every link in the path resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether the entry at `path` is itself a symbolic link (not followed).
    static func isLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFLNK
    }
}
