import Foundation
import SiteManifest

extension Contexts {
    /// Folders of dropgen's own records, in a build's output (`.dropgen/`) and in a folder
    /// publish target (`.dropgen-meta/`): never served by a host that reads `_redirects`.
    static let privateFolders = [".dropgen", ".dropgen-meta"]

    /// Netlify / Cloudflare Pages `_redirects`: each alias moves permanently to its drop; then
    /// dropgen's own folders answer "not found" (Netlify: a forced 404; Cloudflare Pages, which
    /// accepts only 200 and 3xx and skips the other line, serves the 404 page in their place);
    /// then the site's own rules (`static/_redirects`), which thus cannot override either.
    /// Paths are percent-encoded where they hold white space or a control character, so no
    /// value can start a field or a rule of its own.
    func redirects(siteRules: Data? = nil) -> String {
        var lines: [String] = []
        for drop in visible {
            for alias in drop.aliases { lines.append("\(LineSafe.percentEncoded(alias)) \(LineSafe.percentEncoded(drop.path)) 301") }
        }
        lines.sort()
        var text = "# Written by dropgen build.\n" + lines.map { $0 + "\n" }.joined()
        for folder in Self.privateFolders {
            text += "/\(folder)/* /404.html 404!\n/\(folder)/* /404.html 200\n"
        }
        if let siteRules, !siteRules.isEmpty {
            let own = String(decoding: siteRules, as: UTF8.self)
            text += "# The site's own rules, from static/_redirects:\n" + own + (own.hasSuffix("\n") ? "" : "\n")
        }
        return text
    }
}
