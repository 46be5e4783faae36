import Foundation
import SiteManifest

extension Contexts {
    /// When a drop's page last changed state: its latest schedule instant that has passed, if any.
    func lastChange(_ drop: Drop) -> Date? {
        drop.transitions(archiveAfterDays: site.config.archiveAfterDays).filter { $0 <= site.now }.max()
    }

    func sitemap(pages: [String]) -> String {
        var lastmod: [String: Date] = [:]
        for drop in visible { lastmod[drop.path] = lastChange(drop) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for path in pages.sorted() {
            xml += "  <url><loc>\(xmlEscape(site.config.absoluteURL(path)))</loc>"
            if let date = lastmod[path] { xml += "<lastmod>\(RFC3339.format(date))</lastmod>" }
            xml += "</url>\n"
        }
        return xml + "</urlset>\n"
    }

    var robots: String {
        "User-agent: *\nAllow: /\n\nSitemap: \(site.config.absoluteURL("/sitemap.xml"))\n"
    }
}
