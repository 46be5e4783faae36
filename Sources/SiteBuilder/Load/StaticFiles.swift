import Crypto
import Foundation
import SiteManifest
import SiteSource

/// Files under `static/` (the theme's, then the site's on top), published as they are; cacheable
/// kinds get a content hash in their name so the edge can keep them forever.
enum StaticFiles {
    static let hashedExtensions: Set<String> = ["css", "js", "mjs", "svg", "png", "jpg", "jpeg", "webp", "avif", "gif", "woff", "woff2"]

    static func load(root: URL, log: inout DiagnosticLog) -> [StaticFile] {
        var byPath = Theme.staticFiles
        let folder = root.appendingPathComponent("static")
        let site = SiteFolder(root: root)
        for relative in walk(folder) {
            let url = folder.appendingPathComponent(relative)
            if site.leaves(url.path) {
                log.add(Diagnostic(file: "static/\(relative)", message: SiteFolder.leavesMessage))
                continue
            }
            if relative == "_headers" {
                // The folder target writes it (every file's cache rules, dropgen's folders kept
                // private): a site's own would replace them, so it is refused rather than dropped.
                log.add(Diagnostic(file: "static/_headers", message: "dropgen publish writes _headers itself (the cache rules of every file); remove this file"))
                continue
            }
            if let unsafe = LineSafe.firstUnsafe(in: relative) {
                log.add(Diagnostic(file: "static/\(relative)", message: "the name \(LineSafe.unsafeMessage(unsafe)); rename the file"))
                continue
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                log.add(Diagnostic(file: "static/\(relative)", message: "cannot be read"))
                continue
            }
            byPath[relative] = data
        }
        return byPath.keys.sorted().map { relative in
            let data = byPath[relative]!
            return StaticFile(name: relative, path: publishedPath(relative, data: data), data: data)
        }
    }

    /// `css/site.css` → `css/site.0123456789.css` for cacheable kinds; others keep their name.
    static func publishedPath(_ relative: String, data: Data) -> String {
        let url = URL(fileURLWithPath: relative)
        let ext = url.pathExtension.lowercased()
        guard hashedExtensions.contains(ext) else { return relative }
        let hash = SHA256.hash(data: data).prefix(5).hex
        let folder = relative.contains("/") ? String(relative[..<relative.lastIndex(of: "/")!]) + "/" : ""
        return "\(folder)\(url.deletingPathExtension().lastPathComponent).\(hash).\(url.pathExtension)"
    }

    /// Relative paths of regular files under `folder`, sorted, skipping dot files.
    static func walk(_ folder: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey],
                                                              options: [.skipsHiddenFiles]) else { return [] }
        let base = folder.standardizedFileURL.path
        var paths: [String] = []
        for case let url as URL in enumerator {
            let path = url.standardizedFileURL.path
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true || isSymlinkToFile(path),
                  path.hasPrefix(base + "/") else { continue }
            paths.append(String(path.dropFirst(base.count + 1)))
        }
        return paths.sorted()
    }

    private static func isSymlinkToFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
