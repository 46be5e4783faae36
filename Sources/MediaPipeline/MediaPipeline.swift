import Foundation

/// Hero clips, poster frames and responsive stills: planned (paths and sizes) before anything
/// is encoded, then produced by `process` through a content-addressed disk cache.
///
/// A plain value with no mutable state, so plans may be made from many tasks at once.
public struct MediaPipeline: Sendable {
    public let siteRoot: URL
    public let options: MediaOptions

    public init(siteRoot: URL, options: MediaOptions) {
        self.siteRoot = siteRoot.standardizedFileURL
        self.options = options
    }

    /// `<cacheDirectory>/media/`, relative to the site root unless absolute.
    var cacheDirectory: URL {
        let base = options.cacheDirectory.hasPrefix("/")
            ? URL(fileURLWithPath: options.cacheDirectory)
            : siteRoot.appendingPathComponent(options.cacheDirectory)
        return base.appendingPathComponent("media", isDirectory: true).standardizedFileURL
    }

    /// Site-relative path for messages (`content/drops/mug.jpg`), else the absolute path.
    func displayPath(_ url: URL) -> String {
        let root = siteRoot.path.hasSuffix("/") ? siteRoot.path : siteRoot.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
    }

    /// The checks every input gets before it is read: present, a regular file, inside the site
    /// (symlinks resolved), and of a format we handle.
    func checkInput(_ url: URL, allowed: [String], kind: String, source: MediaSource, key: String,
                    line: Int?) throws(MediaError) {
        let shown = displayPath(url)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw MediaError(source, key: key, line: line, "file not found: \(shown)")
        }
        let resolvedRoot = siteRoot.resolvingSymlinksInPath().path
        let resolved = url.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(resolvedRoot.hasSuffix("/") ? resolvedRoot : resolvedRoot + "/") else {
            throw MediaError(source, key: key, line: line, "\(shown) is outside the site folder")
        }
        let ext = url.pathExtension.lowercased()
        guard allowed.contains(ext) else {
            let found = ext.isEmpty ? "a file without an extension" : "'.\(ext)'"
            let list = allowed.dropLast().joined(separator: ", ") + " or " + (allowed.last ?? "")
            throw MediaError(source, key: key, line: line, "unsupported \(kind) format: \(found) (use \(list))")
        }
    }

    func digest(_ url: URL, source: MediaSource, key: String, line: Int?) throws(MediaError) -> String {
        do {
            return try ContentHash.fileDigest(url)
        } catch {
            throw MediaError(source, key: key, line: line, "cannot read \(displayPath(url)): \(error.localizedDescription)")
        }
    }
}
