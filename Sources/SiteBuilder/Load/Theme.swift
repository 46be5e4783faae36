import Foundation

/// The default theme shipped with dropgen, built into the executable from `Theme/` (see
/// `EmbeddedFiles`); a site's own `templates/` and `static/` files replace it file by file.
enum Theme {
    static let templates: [String: String] = {
        var templates: [String: String] = [:]
        for (relative, data) in EmbeddedFiles.folder("Theme/templates") where relative.hasSuffix(".mustache") {
            templates[String(relative.dropLast(".mustache".count))] = String(decoding: data, as: UTF8.self)
        }
        return templates
    }()

    static let staticFiles: [String: Data] = EmbeddedFiles.folder("Theme/static")
}
