import Foundation
import SiteSource

extension Scaffold {
    public struct NewDrop: Sendable {
        /// Site-relative path of the written file.
        public var path: String
        public var slug: String
        public var creator: String
        public var opens: Date
    }

    /// `dropgen new drop "Title"`: writes `content/drops/<slug>.md` with every key of a drop,
    /// explained, opening at the next cadence slot. The drop starts as a draft so that nothing
    /// half-written is published by the next CI run.
    public static func newDrop(title: String, creator: String?, siteRoot: URL, now: Date) throws -> NewDrop {
        let root = siteRoot.standardizedFileURL
        var log = DiagnosticLog()
        guard let config = SiteConfig.load(root: root, log: &log) else { throw BuildFailed(log) }
        if let problem = titleProblem(title) { throw Refused(description: problem) }
        let slug = slugify(title)
        let path = "content/drops/\(slug).md"
        let manager = FileManager.default
        for existing in [path, "content/drops/\(slug)/index.md"] where manager.fileExists(atPath: root.appendingPathComponent(existing).path) {
            throw Refused(description: "\(existing) already exists; choose another title or edit that file")
        }

        let files = ContentFiles.list(root: root)
        let creators = files.creators.map(Site.id(of:))
        let creatorID: String
        if let creator {
            guard creators.contains(creator) else {
                throw Refused(description: "--creator \(creator): no content/creators/\(creator).md; known: \(creators.isEmpty ? "none" : creators.joined(separator: ", "))")
            }
            creatorID = creator
        } else if creators.count == 1 {
            creatorID = creators[0]
        } else {
            throw Refused(description: creators.isEmpty ? "there is no creator yet: add content/creators/<id>.md first"
                          : "which creator? pass --creator with one of: \(creators.joined(separator: ", "))")
        }
        let policies = files.policies.map(Site.id(of:))

        // Without a cadence, a day from now on the hour: far enough ahead to prepare the drop.
        let opens = config.cadence?.slots(after: now, count: 1, in: config.timeZone).first
            ?? Date(timeIntervalSince1970: ((now.timeIntervalSince1970 / 3600).rounded(.up) + 24) * 3600)
        let clock = LocalClock(timeZone: config.timeZone)
        let closes = opens.addingTimeInterval(2 * 86_400)
        let text = try dropFile(title: title, slug: slug, creator: creatorID, policy: policies.first, currency: config.currency,
                                opens: clock.iso(opens), closes: clock.iso(closes), earlyOpens: clock.iso(opens.addingTimeInterval(-8 * 3600)),
                                pickupStarts: clock.iso(closes.addingTimeInterval(86_400)),
                                pickupEnds: clock.iso(closes.addingTimeInterval(86_400 + 4 * 3600)))
        let url = root.appendingPathComponent(path)
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // withoutOverwriting: a file created since the check above is still never replaced.
        try Data(text.utf8).write(to: url, options: .withoutOverwriting)
        return NewDrop(path: path, slug: slug, creator: creatorID, opens: opens)
    }

    /// `Scaffold/Files/new-drop.md`: every key of `Site.dropKeys`, in that order; keys that need
    /// files or decisions are commented out with a working example.
    static func dropFile(title: String, slug: String, creator: String, policy: String?, currency: String, opens: String,
                         closes: String, earlyOpens: String, pickupStarts: String, pickupEnds: String) throws -> String {
        let quotedTitle = "\"" + title.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        return try ScaffoldFiles.text("new-drop.md", [
            "title": quotedTitle, "creator": creator, "slug": slug, "currency": currency,
            "opens": opens, "closes": closes, "early_opens": earlyOpens,
            "pickup_starts": pickupStarts, "pickup_ends": pickupEnds,
            "policy_line": policy.map { "policy: \($0)" } ?? "# policy: standard",
        ])
    }
}
