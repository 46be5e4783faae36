import Foundation

/// The default theme shipped with dropgen; a site's own `templates/` and `static/` files
/// replace it file by file.
enum Theme {
    static var folder: URL? { Bundle.module.url(forResource: "Theme", withExtension: nil) }

    static let templates: [String: String] = {
        guard let folder = folder?.appendingPathComponent("templates") else { return [:] }
        var templates: [String: String] = [:]
        for relative in StaticFiles.walk(folder) where relative.hasSuffix(".mustache") {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(relative).path) {
                templates[String(relative.dropLast(".mustache".count))] = String(decoding: data, as: UTF8.self)
            }
        }
        return templates
    }()

    static let staticFiles: [String: Data] = {
        guard let folder = folder?.appendingPathComponent("static") else { return [:] }
        var files: [String: Data] = [:]
        for relative in StaticFiles.walk(folder) {
            files[relative] = FileManager.default.contents(atPath: folder.appendingPathComponent(relative).path)
        }
        return files
    }()
}
