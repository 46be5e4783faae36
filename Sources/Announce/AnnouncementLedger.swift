import Crypto
import Foundation
import Publisher
import SiteManifest

/// The announcement ledger at a publish target, beside the deploy records
/// (`.dropgen/announce.json`): what was live when announcements last ran, every event's
/// delivery to every channel, and each pinned catalog's message id. No secret is ever in it:
/// channels are named, message ids are public.
public struct AnnouncementLedger: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Not sent yet: the next run sends it.
        case pending
        /// About to be sent: recorded before the request leaves. Found at the start of a run, it
        /// means a run stopped between sending and recording (see `Announcer.recover`).
        case sending
        case sent
        /// The request may have reached the channel but no answer came back; a channel that
        /// cannot tell whether it posted is not asked again (at most once).
        case unconfirmed
        /// Given up after `Announcer.maxAttempts` runs.
        case failed
        /// Not sent: by the time it could be, the drop had moved on (an opening of a drop now sold out).
        case superseded
    }

    public struct Delivery: Sendable, Equatable, Codable {
        public var event: AnnounceEvent
        public var channel: String
        public var status: Status
        public var attempts: Int
        public var messageID: String?
        public var lastError: String?
        public var sentAt: String?

        enum CodingKeys: String, CodingKey {
            case event, channel, status, attempts
            case messageID = "message_id"
            case lastError = "last_error"
            case sentAt = "sent_at"
        }
    }

    /// A channel's pinned catalog message.
    public struct PinnedCatalog: Sendable, Equatable, Codable {
        public var messageID: String?
        /// SHA-256 of the payload last shown, so an unchanged catalog is not edited again.
        public var digest: String?
        public var status: Status
        public var lastError: String?

        enum CodingKeys: String, CodingKey {
            case status, digest
            case messageID = "message_id"
            case lastError = "last_error"
        }
    }

    public static let key = ".dropgen/announce.json"
    public static let maxBytes = 8 << 20
    /// Sent deliveries kept (oldest forgotten first) to refuse a repeated event id.
    public static let keptSent = 5000

    public var version = 1
    public var baselineAt: String
    public var updatedAt: String
    public var drops: [String: DropSnapshot]
    public var deliveries: [Delivery]
    public var catalogs: [String: PinnedCatalog]

    enum CodingKeys: String, CodingKey {
        case version, drops, deliveries, catalogs
        case baselineAt = "baseline_at"
        case updatedAt = "updated_at"
    }

    public init(baselineAt: String, drops: [String: DropSnapshot]) {
        self.baselineAt = baselineAt
        self.updatedAt = baselineAt
        self.drops = drops
        self.deliveries = []
        self.catalogs = [:]
    }

    func knows(_ eventID: String, channel: String) -> Bool {
        deliveries.contains { $0.event.id == eventID && $0.channel == channel }
    }

    /// Forgets the oldest finished deliveries beyond `keptSent`.
    mutating func trim() {
        let finished = deliveries.indices.filter { [.sent, .unconfirmed, .failed, .superseded].contains(deliveries[$0].status) }
        guard finished.count > Self.keptSent else { return }
        let drop = Set(finished.prefix(finished.count - Self.keptSent))
        deliveries = deliveries.indices.filter { !drop.contains($0) }.map { deliveries[$0] }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    public static func decode(_ data: Data) throws -> AnnouncementLedger {
        guard data.count <= maxBytes else { throw AnnounceError.ledger(key: key, cause: "larger than \(maxBytes >> 20) MB") }
        let ledger: AnnouncementLedger
        do {
            ledger = try JSONDecoder().decode(AnnouncementLedger.self, from: data)
        } catch {
            throw AnnounceError.ledger(key: key, cause: "does not decode: \(error)")
        }
        guard ledger.version == 1 else { throw AnnounceError.ledger(key: key, cause: "version \(ledger.version), expected 1") }
        return ledger
    }
}

/// Reads and writes the ledger at a target. One whole object per write, so a reader never
/// sees half of one. One announcer per target at a time (the live server or a CI job).
public struct AnnouncementStore: Sendable {
    public let target: any PublishTarget

    public init(target: any PublishTarget) { self.target = target }

    public func read() async throws -> AnnouncementLedger? {
        try await target.open(forWriting: false)
        guard let data = try await target.get(AnnouncementLedger.key) else { return nil }
        return try AnnouncementLedger.decode(data)
    }

    public func write(_ ledger: AnnouncementLedger) async throws {
        var ledger = ledger
        ledger.trim()
        let data = try ledger.encoded()
        try await target.open(forWriting: true)
        let headers = ObjectHeaders(contentType: "application/json; charset=utf-8", cacheControl: "no-cache",
                                    sha256: SHA256.hash(data: data).hex)
        _ = try await target.put(AnnouncementLedger.key, body: data, headers: headers, createOnly: false)
    }
}
