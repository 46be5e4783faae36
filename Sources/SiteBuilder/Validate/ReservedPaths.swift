import Foundation
import SiteSource

/// Every path of a build's output that an alias may not claim: made where all outputs are
/// known (the renderer's page list, its other outputs, the static files), so a new kind of
/// output is reserved as soon as it is made. An alias writes a redirect page, and one over an
/// output would replace it (`/index.html`, another maker's `/creators/<id>/`), or need a file
/// as a folder (`/feed.xml/` over `feed.xml`).
struct ReservedPaths {
    /// Folders dropgen owns whole: media (content-hashed names, `ContentHash.outputPath`), the
    /// personal early-access pages (`access/<token>/`) and the build's own records.
    static let ownedFolders: Set<String> = ["media", "access", ".dropgen"]
    /// Written by `dropgen publish` beside the build's files (the folder target's cache rules).
    static let publishedFiles = ["_headers"]

    /// Output path (`key`) → the path as written and what writes it, for messages.
    private var files: [String: (path: String, owner: String)] = [:]
    /// Every folder holding a reserved file (`key`) → what writes the first of them.
    private var folders: [String: (path: String, owner: String)] = [:]

    /// Paths are compared as a case-insensitive file system and a static host would: `Index.html`
    /// is `index.html` on macOS, and empty segments are none.
    static func key(_ path: some StringProtocol) -> String {
        path.split(separator: "/").joined(separator: "/").lowercased()
    }

    /// The other output a host serves at the same URL: with pretty URLs `/a/b` is `a/b.html` and
    /// `a/b/index.html` alike.
    static func twin(_ path: String) -> String? {
        if path.hasSuffix("/index.html") { return String(path.dropLast("/index.html".count)) + ".html" }
        if path.hasSuffix(".html"), path != "index.html" { return String(path.dropLast(".html".count)) + "/index.html" }
        return nil
    }

    init(_ outputs: some Sequence<String>) {
        for path in outputs { insert(path, owner: nil) }
        for path in Self.publishedFiles { insert(path, owner: "dropgen publish") }
    }

    mutating func insert(_ path: String, owner: String?) {
        let key = Self.key(path)
        guard files[key] == nil else { return }
        files[key] = (path, owner ?? "")
        var folder = Substring(key), shown = Substring(path)
        while let slash = folder.lastIndex(of: "/") {
            folder = folder[..<slash]
            shown = shown[..<(shown.lastIndex(of: "/") ?? shown.startIndex)]
            guard folders[String(folder)] == nil else { break }
            folders[String(folder)] = (String(shown), owner ?? "")
        }
    }

    /// What an output at `path` would collide with: the same file (or its pretty-URL twin), a
    /// folder of reserved files, a reserved file needed as a folder, or an owned folder. Nil when
    /// `path` is free.
    func conflict(_ path: String) -> (path: String, owner: String)? {
        let key = Self.key(path)
        if let file = files[key] { return file }
        if let twin = Self.twin(key), let file = files[twin] { return file }
        if let folder = folders[key] { return (folder.path + "/", folder.owner) }
        let parts = key.split(separator: "/")
        if let first = parts.first, Self.ownedFolders.contains(String(first)) { return (first + "/", "") }
        var prefix = ""
        for part in parts.dropLast() {
            prefix += prefix.isEmpty ? String(part) : "/" + part
            if let file = files[prefix] { return file }
        }
        return nil
    }

    /// Aliases of every drop that collide with a reserved path or with an alias named before
    /// them (drops in file order). The same alias in two drops is reported by the reference
    /// checks, once.
    mutating func checkAliases(of site: Site) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var claimed: Set<String> = []
        for drop in site.drops.sorted(by: { $0.file < $1.file }) {
            for (index, alias) in drop.aliases.enumerated() {
                let path = Page.alias(alias, target: 0).outputPath(in: site)
                guard claimed.insert(path).inserted else { continue }
                if let (taken, owner) = conflict(path) {
                    let writer = owner.isEmpty ? "the site writes \(taken)" : "\(owner) writes \(taken)"
                    let (line, column) = drop.aliasLocation(index)
                    diagnostics.append(Diagnostic(file: drop.file, line: line, column: column, key: "aliases",
                                                  message: "`\(alias)` is taken: \(writer); an alias may only claim a path that no page or file of the site uses"))
                } else {
                    insert(path, owner: "the alias of \(drop.file)")
                }
            }
        }
        return diagnostics
    }
}
