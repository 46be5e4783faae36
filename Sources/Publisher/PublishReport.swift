import Foundation

/// What a publish did, for people (`summary`) and machines (`--json`).
public struct PublishReport: Codable, Sendable, Equatable {
    public struct Item: Codable, Sendable, Equatable {
        public var key: String
        public var reason: String
        public var bytes: Int
    }

    public var target: String
    public var dryRun: Bool
    /// The deploy made live; nil when nothing changed.
    public var deployID: String?
    public var previousID: String?
    public var uploaded: [Item]
    public var skipped: Int
    public var deleted: [String]
    /// Unreferenced objects kept because they are younger than the grace period.
    public var heldBack: Int
    /// Prune candidates not deleted because they exceed `max_deletes` (run with --yes).
    public var pruneRefused: Int
    public var bytes: Int
    public var requests: Int
    public var retries: Int
    public var duration: Double
    public var purged: [String]
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case target, uploaded, skipped, deleted, bytes, requests, retries, duration, purged, warnings
        case dryRun = "dry_run"
        case deployID = "deploy_id"
        case previousID = "previous_id"
        case heldBack = "held_back"
        case pruneRefused = "prune_refused"
    }

    public func json() throws -> Data { try JSONCoding.encode(self) }

    /// Like the synthesized one, but `deploy_id` and `previous_id` are `null` rather than absent.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(target, forKey: .target)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(deployID, forKey: .deployID)
        try c.encode(previousID, forKey: .previousID)
        try c.encode(uploaded, forKey: .uploaded)
        try c.encode(skipped, forKey: .skipped)
        try c.encode(deleted, forKey: .deleted)
        try c.encode(heldBack, forKey: .heldBack)
        try c.encode(pruneRefused, forKey: .pruneRefused)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(requests, forKey: .requests)
        try c.encode(retries, forKey: .retries)
        try c.encode(duration, forKey: .duration)
        try c.encode(purged, forKey: .purged)
        try c.encode(warnings, forKey: .warnings)
    }

    public var summary: String {
        var lines: [String] = []
        let verb = dryRun ? "would upload" : "uploaded"
        let deleteVerb = dryRun ? "would delete" : "deleted"
        if let deployID {
            lines.append("\(dryRun ? "plan for" : "deployed") \(deployID) to \(target)")
        } else {
            lines.append("\(target) is up to date")
        }
        lines.append("\(verb) \(uploaded.count) (\(Self.formatBytes(bytes))), skipped \(skipped), \(deleteVerb) \(deleted.count)"
            + (heldBack > 0 ? ", \(heldBack) held back by the grace period" : "")
            + "; \(requests) requests, \(retries) retries, \(String(format: "%.1f", duration)) s")
        return lines.joined(separator: "\n")
    }

    static func formatBytes(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
        return String(format: "%.1f MiB", Double(bytes) / 1024 / 1024)
    }
}

/// Progress events, delivered as they happen (from several tasks at once).
public enum PublishProgress: Sendable {
    case planned(files: Int, bytes: Int)
    case uploaded(key: String, bytes: Int)
    case copied(key: String)
    case verified(count: Int)
    case deleted(key: String)
    case live(id: String)
}

/// One deploy on a target, for `dropgen deploys`.
public struct DeploySummary: Codable, Sendable, Equatable {
    public var id: String
    public var createdAt: String
    public var files: Int
    public var bytes: Int
    public var live: Bool

    enum CodingKeys: String, CodingKey {
        case id, files, bytes, live
        case createdAt = "created_at"
    }
}

/// What a rollback did.
public struct RollbackReport: Codable, Sendable, Equatable {
    public var target: String
    public var fromID: String
    public var toID: String
    public var copied: [String]
    public var requests: Int
    public var retries: Int
    public var duration: Double

    enum CodingKeys: String, CodingKey {
        case target, copied, requests, retries, duration
        case fromID = "from_id"
        case toID = "to_id"
    }

    public func json() throws -> Data { try JSONCoding.encode(self) }
}
