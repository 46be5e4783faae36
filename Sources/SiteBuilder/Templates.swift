import Foundation
import Mustache

/// Mustache templates: the theme's, replaced file by file by the site's `templates/`.
enum Templates {
    /// The pages every theme must provide.
    static let required = ["layout", "home", "drop", "drops", "creator", "creators", "badges", "badge", "tag", "policy", "redirect", "404",
                                   "schedule", "pickups", "trust", "event"]

    static func sources(root: URL, log: inout DiagnosticLog) -> [String: String] {
        var sources = Theme.templates
        let folder = root.appendingPathComponent("templates")
        for relative in StaticFiles.walk(folder) where relative.hasSuffix(".mustache") {
            let path = "templates/\(relative)"
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(relative).path),
                  let text = decodeUTF8(data, path: path, log: &log) else { continue }
            sources[String(relative.dropLast(".mustache".count))] = text
        }
        for name in required where sources[name] == nil {
            log.add(Diagnostic(file: "templates/\(name).mustache", message: "not found; the theme needs this template"))
        }
        return sources
    }

    static func library(_ sources: [String: String]) throws(BuildFailed) -> MustacheLibrary {
        var library = MustacheLibrary()
        var diagnostics: [Diagnostic] = []
        for name in sources.keys.sorted() {
            do {
                library.register(try MustacheTemplate(string: sources[name]!), named: name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(Diagnostic(file: "templates/\(name).mustache", line: error.context.lineNumber,
                                              column: error.context.columnNumber, message: "template error: \(error.error)"))
            } catch {
                diagnostics.append(Diagnostic(file: "templates/\(name).mustache", message: "template error: \(error)"))
            }
        }
        if !diagnostics.isEmpty { throw BuildFailed(diagnostics) }
        return library
    }
}
