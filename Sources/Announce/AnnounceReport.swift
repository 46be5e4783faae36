import Foundation

/// What an announcement run did, for people (`summary`) and machines (`publish --json`'s
/// `announcements`, `announce --json`). Names channels and events, never a secret.
public struct AnnounceReport: Sendable, Equatable, Codable {
    public struct Item: Sendable, Equatable, Codable {
        public var channel: String
        public var event: String
        public var kind: String
        public var drop: String
        public var messageID: String?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case channel, event, kind, drop, error
            case messageID = "message_id"
        }
    }

    public struct Catalog: Sendable, Equatable, Codable {
        public enum Action: String, Sendable, Codable { case created, edited, unchanged, pending }
        public var channel: String
        public var action: Action
        public var messageID: String?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case channel, action, error
            case messageID = "message_id"
        }
    }

    /// One request `--dry-run` would send: where (secrets named, not shown) and the exact body.
    public struct Message: Sendable, Equatable, Codable {
        public var channel: String
        public var event: String?
        public var request: String
        public var body: String
    }

    public var target: String
    public var dryRun: Bool
    /// True when this run recorded the baseline: the first run at a target announces nothing.
    public var baseline: Bool = false
    /// Events found by this run.
    public var events: [String] = []
    public var sent: [Item] = []
    /// Not sent yet; the next run sends them.
    public var pending: [Item] = []
    /// Sent, but the channel's answer was lost (a timeout, a crash): not sent again.
    public var unconfirmed: [Item] = []
    public var failed: [Item] = []
    /// Pending ones dropped because the drop moved on before they could be sent.
    public var superseded: [Item] = []
    public var catalogs: [Catalog] = []
    public var messages: [Message] = []
    /// Channels skipped, with the reason (an unset environment variable, an unreachable host).
    public var skipped: [String: String] = [:]
    /// Why the run stopped before sending (the ledger or the catalog could not be read or written).
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case target, baseline, events, sent, pending, unconfirmed, failed, superseded, catalogs, messages, skipped, error
        case dryRun = "dry_run"
    }

    public init(target: String, dryRun: Bool) {
        self.target = target
        self.dryRun = dryRun
    }

    public var summary: String {
        var lines: [String] = []
        if let error { return "announcements: not sent: \(error); the next run sends what is pending" }
        if baseline {
            lines.append("announcements: first run at \(target): recorded a baseline of what is live; nothing announced (every later change is)")
            return lines.joined(separator: "\n")
        }
        let verb = dryRun ? "would send" : "announced"
        for item in sent { lines.append("\(verb) \(item.kind) of \(item.drop) to \(item.channel)") }
        for catalog in catalogs where catalog.action != .unchanged {
            lines.append(catalog.action == .pending
                ? "pinned catalog in \(catalog.channel): pending (\(catalog.error ?? "not sent")); sent next run"
                : "pinned catalog in \(catalog.channel): \(dryRun ? "would be " : "")\(catalog.action.rawValue)")
        }
        for item in pending {
            lines.append("pending: \(item.kind) of \(item.drop) to \(item.channel)\(item.error.map { " (\($0))" } ?? ""); sent next run")
        }
        for item in unconfirmed {
            lines.append("unconfirmed: \(item.kind) of \(item.drop) to \(item.channel) may have been posted (\(item.error ?? "no answer")); not sent again")
        }
        for item in superseded { lines.append("dropped: \(item.kind) of \(item.drop) to \(item.channel) (\(item.error ?? "")); no longer true") }
        for item in failed { lines.append("failed: \(item.kind) of \(item.drop) to \(item.channel) (\(item.error ?? "")); given up") }
        for (channel, reason) in skipped.sorted(by: { $0.key < $1.key }) { lines.append("channel \(channel) skipped: \(reason)") }
        if lines.isEmpty { lines.append("announcements: nothing new") }
        return lines.joined(separator: "\n")
    }

    /// `--dry-run`'s text: every request exactly as it would be sent.
    public var dryRunText: String {
        if baseline { return summary }
        var lines: [String] = []
        for message in messages {
            lines.append("\(message.channel)\(message.event.map { " · \($0)" } ?? ""): \(message.request)")
            lines.append(message.body)
        }
        if messages.isEmpty { lines.append("nothing to send") }
        for (channel, reason) in skipped.sorted(by: { $0.key < $1.key }) { lines.append("channel \(channel): \(reason)") }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
