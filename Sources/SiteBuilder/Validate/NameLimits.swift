/// Names that become folders and files of the output (or of the site, for `new drop`) are kept
/// short enough for every file system: a name over its limit (255 bytes on most) would fail
/// only when written, as an internal error, long after the line that caused it.
extension Site {
    /// Bytes in a slug, a tag's page name, or a drop file name made from a title: well under 255,
    /// with room for suffixes and temporary names.
    public static let maxNameBytes = 100

    /// `the tag's page name "ttttt…" is 300 bytes long; …`.
    static func nameTooLong(_ what: String, _ name: String) -> String {
        let shown = name.count > 40 ? String(name.prefix(40)) + "…" : name
        return "\(what) \"\(shown)\" is \(name.utf8.count) bytes long; a name of a page or file has at most \(maxNameBytes)"
    }
}

extension Scaffold {
    /// Why `title` cannot name a new drop file, or nil: `new drop` checks it before anything else.
    public static func titleProblem(_ title: String) -> String? {
        let slug = slugify(title)
        if slug.isEmpty { return "the title \"\(title)\" has no letters or digits to make a file name from" }
        if slug.utf8.count > Site.maxNameBytes {
            return Site.nameTooLong("the slug (and file name content/drops/<slug>.md) made from the title", slug) + "; choose a shorter title"
        }
        return nil
    }
}
