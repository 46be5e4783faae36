import Foundation

/// Writes a report folder: index.html, report.json and one CSV per table, marked as dropgen's
/// (`.dropgen-report`) so a later report may replace it and nothing else is ever overwritten.
public enum ReportWriter {
    public static let marker = ".dropgen-report"

    public struct Refused: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// `<site>/reports/<day in the site's zone>`.
    public static func defaultFolder(siteRoot: URL, period: ReportPeriod) -> URL {
        siteRoot.appendingPathComponent("reports").appendingPathComponent(period.day(period.now), isDirectory: true)
    }

    /// Refuses a folder inside (or holding) one that is published or built (`public/`, `static/`,
    /// a folder publish target…), and an existing folder with files but no marker.
    public static func check(_ folder: URL, published: [URL]) throws(Refused) {
        let path = resolved(folder)
        for other in published {
            let otherPath = resolved(other)
            if path == otherPath || path.hasPrefix(otherPath + "/") || otherPath.hasPrefix(path + "/") {
                throw Refused(description: "--out \(folder.path): a report holds business data and may not be written into or around "
                              + "\(other.path), which is built or published")
            }
        }
        let manager = FileManager.default
        // Any built folder (a manifest) or folder target (its mark) above or at the folder: published.
        var ancestor = URL(fileURLWithPath: path)
        while ancestor.path != "/" {
            for mark in [".dropgen/manifest.json", ".dropgen-meta/dropgen-target"]
            where manager.fileExists(atPath: ancestor.appendingPathComponent(mark).path) {
                throw Refused(description: "--out \(folder.path): a report holds business data and may not be written into "
                              + "\(ancestor.path), which holds a build or a publish target (\(mark))")
            }
            ancestor.deleteLastPathComponent()
        }
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw Refused(description: "--out \(folder.path): is a file, not a folder") }
        let contents = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
        if !contents.isEmpty, !contents.contains(marker) {
            throw Refused(description: "--out \(folder.path): the folder holds files dropgen did not write (no \(marker)); "
                          + "choose an empty or new folder")
        }
    }

    /// The files written, by name, sorted.
    @discardableResult
    public static func write(_ report: MarketReport, to folder: URL, published: [URL]) throws -> [String] {
        try check(folder, published: published)
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        var files: [String: Data] = [
            marker: Data("A report written by dropgen report; dropgen replaces the files of this folder.\n".utf8),
            "index.html": Data(report.html().utf8),
            "report.json": try report.json(),
        ]
        for table in report.tables() { files[table.name + ".csv"] = table.csv() }
        for (name, data) in files { try data.write(to: folder.appendingPathComponent(name), options: .atomic) }
        return files.keys.filter { $0 != marker }.sorted()
    }

    private static func resolved(_ url: URL) -> String {
        var path = url.standardizedFileURL.resolvingSymlinksInPath().path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
