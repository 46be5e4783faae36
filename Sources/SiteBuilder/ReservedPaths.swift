import Foundation

/// Every path of a build's output that an alias may not claim: made where all outputs are
/// known (the renderer's page list, its other outputs, the static files), so a new kind of
/// output is reserved as soon as it is made. An alias writes a redirect page, and one over an
/// output would replace it (`/index.html`, another maker's `/creators/<id>/`), or need a file
/// as a folder (`/feed.xml/` over `feed.xml`).
struct ReservedPaths {
    /// Folders dropgen owns whole: media (content-hashed names, `ContentHash.outputPath`) and
    /// the build's own records.
    static let ownedFolders: Set<String> = ["media", ".dropgen"]
    /// Written by `dropgen publish` beside the build's files (the folder target's cache rules).
    static let publishedFiles = ["_headers"]

    /// Output path → what writes it, for messages.
    private var files: [String: String] = [:]
    /// Every folder holding a reserved file → what writes the first of them.
    private var folders: [String: String] = [:]

    init(_ outputs: some Sequence<String>) {
        for path in outputs { insert(path, owner: nil) }
        for path in Self.publishedFiles { insert(path, owner: "dropgen publish") }
    }

    mutating func insert(_ path: String, owner: String?) {
        guard files[path] == nil else { return }
        files[path] = owner ?? ""
        var folder = Substring(path)
        while let slash = folder.lastIndex(of: "/") {
            folder = folder[..<slash]
            guard folders[String(folder)] == nil else { break }
            folders[String(folder)] = owner ?? ""
        }
    }

    /// What an output at `path` would collide with: the same file, a folder of reserved files,
    /// a reserved file needed as a folder, or an owned folder. Nil when `path` is free.
    func conflict(_ path: String) -> (path: String, owner: String)? {
        if let owner = files[path] { return (path, owner) }
        if let owner = folders[path] { return (path + "/", owner) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if let first = parts.first, Self.ownedFolders.contains(String(first)) { return (first + "/", "") }
        var prefix = ""
        for part in parts.dropLast() {
            prefix += prefix.isEmpty ? String(part) : "/" + part
            if let owner = files[prefix] { return (prefix, owner) }
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
