import Foundation

/// `dropgen init`: writes a small site that builds as it is, so a creator starts from something
/// that works and changes it one file at a time.
public enum Scaffold {
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes a new site into `folder` (created if missing; refused if it holds anything).
    /// Returns the written paths, relative to the folder, sorted.
    @discardableResult
    public static func initSite(at folder: URL, now: Date, timeZone: TimeZone = .current) throws -> [String] {
        let manager = FileManager.default
        let folder = folder.standardizedFileURL
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Refused(description: "\(folder.path) is a file, not a folder") }
            let entries = try manager.contentsOfDirectory(atPath: folder.path)
            if !entries.isEmpty {
                throw Refused(description: "\(folder.path) is not empty (\(entries.sorted().prefix(3).joined(separator: ", "))\(entries.count > 3 ? ", …" : "")); `dropgen init` only writes into a new or empty folder")
            }
        }
        let files = try siteFiles(now: now, timeZone: timeZone)
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .withoutOverwriting)
        }
        return files.keys.sorted()
    }

    /// An IANA name the site loader accepts; "UTC" when the machine's zone has no such name.
    static func zoneName(_ timeZone: TimeZone) -> String {
        let name = timeZone.identifier
        return name.contains("/") || name == "UTC" ? name : "UTC"
    }

    /// The files of `Scaffold/Files/init/`, with the machine's zone and the first drop opening at
    /// the next Friday 18:00 there. Its CI workflow builds and publishes on every push, and again
    /// when a drop changes state: Actions cannot schedule a single future run, so a cheap cron
    /// wakes every 15 minutes and builds only once the last build's `next_transition` has passed.
    static func siteFiles(now: Date, timeZone: TimeZone) throws -> [String: String] {
        let zone = TimeZone(identifier: zoneName(timeZone)) ?? TimeZone(identifier: "UTC")!
        let cadence = Cadence(weekday: 6, hour: 18, minute: 0)
        let opens = cadence.slots(after: now, count: 1, in: zone)[0]
        let clock = LocalClock(timeZone: zone)
        return try ScaffoldFiles.site([
            "timezone": zoneName(timeZone),
            "opens": clock.iso(opens),
            "closes": clock.iso(opens.addingTimeInterval(2 * 86_400)),
        ])
    }
}
