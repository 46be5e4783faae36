import Foundation

/// The files `dropgen init` and `dropgen new drop` write, built into the executable from
/// `Scaffold/Files/` (`init/` is the new site, `new-drop.md` the new drop) so that they read and
/// diff as the files a creator gets. `@name@` marks a value filled in when they are written.
enum ScaffoldFiles {
    /// The executable lacks a file dropgen ships: a broken build, not the user's mistake.
    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String { "dropgen's scaffold file \(path) is missing from the executable" }
    }

    /// `Scaffold/Files/`, built into the executable (see `EmbeddedFiles`).
    static let files = EmbeddedFiles.folder("Scaffold/Files")

    /// Names stored without their leading dot: a `.gitignore` in the source tree would apply to it.
    static let storedNames = [".gitignore": "gitignore"]

    /// The new site: each path as written (relative to the site) → its text, filled with `values`.
    static func site(_ values: [String: String]) throws -> [String: String] {
        let written = Dictionary(uniqueKeysWithValues: storedNames.map { ($1, $0) })
        var site: [String: String] = [:]
        for path in files.keys where path.hasPrefix("init/") {
            let stored = String(path.dropFirst("init/".count))
            site[written[stored] ?? stored] = try text(path, values)
        }
        guard !site.isEmpty else { throw Missing(path: "init/") }
        return site
    }

    /// One file's text, filled with `values`.
    static func text(_ path: String, _ values: [String: String]) throws -> String {
        guard let data = files[path] else { throw Missing(path: path) }
        return fill(String(decoding: data, as: UTF8.self), values)
    }

    /// Replaces each `@name@` whose name is in `values`, in one pass: a value is written as it is,
    /// never searched for placeholders itself (a title may contain `@opens@`). Any other `@` stays.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = template[...]
        while let at = rest.firstIndex(of: "@") {
            result += rest[..<at]
            let afterAt = rest.index(after: at)
            if let close = rest[afterAt...].firstIndex(of: "@"), let value = values[String(rest[afterAt..<close])] {
                result += value
                rest = rest[rest.index(after: close)...]
            } else {
                result += "@"
                rest = rest[afterAt...]
            }
        }
        return result + rest
    }
}
