import Foundation
import SiteSource
import TemplateKit

/// Mustache templates: the theme's, replaced file by file by the site's `templates/`.
enum Templates {
    /// The pages every theme must provide.
    static let required = ["layout", "home", "drop", "drops", "creator", "creators", "badges", "badge", "tag", "policy", "redirect", "404",
                                   "schedule", "pickups", "trust", "event"]

    static func sources(root: URL, log: inout DiagnosticLog) -> [String: String] {
        var sources = Theme.templates
        let folder = root.appendingPathComponent("templates")
        let site = SiteFolder(root: root)
        for relative in StaticFiles.walk(folder) where relative.hasSuffix(".mustache") {
            let path = "templates/\(relative)"
            let full = folder.appendingPathComponent(relative).path
            if site.leaves(full) {
                log.add(Diagnostic(file: path, message: SiteFolder.leavesMessage))
                continue
            }
            guard let data = FileManager.default.contents(atPath: full),
                  let text = decodeUTF8(data, path: path, log: &log) else { continue }
            sources[String(relative.dropLast(".mustache".count))] = text
        }
        for name in required where sources[name] == nil {
            log.add(Diagnostic(file: "templates/\(name).mustache", message: "not found; the theme needs this template"))
        }
        return sources
    }

    /// The templates parsed by TemplateKit, its errors as diagnostics on `templates/<name>.mustache`:
    /// e.g. templates/a.mustache:2:3: template error: section `s` opened on line 2 is never closed.
    static func library(_ sources: [String: String]) throws(BuildFailed) -> TemplateLibrary {
        do throws(TemplateErrors) {
            return try TemplateLibrary(sources)
        } catch {
            throw BuildFailed(error.errors.map {
                Diagnostic(file: "templates/\($0.template).mustache", line: $0.line, column: $0.column,
                           message: "template error: \($0.message)")
            })
        }
    }
}
