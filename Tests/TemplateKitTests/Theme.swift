import Foundation

/// dropgen's theme templates, read from SiteBuilder's sources by path: real templates for the
/// differential test and the speed comparison, without TemplateKitTests depending on SiteBuilder.
enum Theme {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/SiteBuilder/Theme/templates").standardized

    /// By name: the file's path under `folder` without `.mustache`, as SiteBuilder names them.
    static let templates: [String: String] = {
        var templates: [String: String] = [:]
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
        for relative in files where relative.hasSuffix(".mustache") {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(relative).path) else { continue }
            templates[String(relative.dropLast(".mustache".count))] = String(decoding: data, as: UTF8.self)
        }
        return templates
    }()
}
