import Foundation
import SiteSource

/// The templates of channel announcements (the Announce module renders them): the theme's
/// `Theme/announce/*.mustache`, each replaced by the site's `templates/announce/<name>.mustache`,
/// named `announce/<name>`. Kept apart from the page templates: no page renders them.
public enum AnnouncementTemplates {
    public static func sources(siteRoot: URL) throws(BuildFailed) -> [String: String] {
        var sources: [String: String] = [:]
        for (relative, data) in EmbeddedFiles.folder("Theme/announce") where relative.hasSuffix(".mustache") {
            sources["announce/" + relative.dropLast(".mustache".count)] = String(decoding: data, as: UTF8.self)
        }
        var log = DiagnosticLog()
        let folder = siteRoot.appendingPathComponent("templates/announce")
        let site = SiteFolder(root: siteRoot)
        for relative in StaticFiles.walk(folder) where relative.hasSuffix(".mustache") && !relative.contains("/") {
            let path = "templates/announce/\(relative)"
            let full = folder.appendingPathComponent(relative).path
            if site.leaves(full) {
                log.add(Diagnostic(file: path, message: SiteFolder.leavesMessage))
                continue
            }
            guard let data = FileManager.default.contents(atPath: full), let text = decodeUTF8(data, path: path, log: &log) else { continue }
            sources["announce/" + relative.dropLast(".mustache".count)] = text
        }
        try log.throwIfAny()
        return sources
    }
}
