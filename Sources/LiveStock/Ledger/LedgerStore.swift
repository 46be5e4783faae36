import Crypto
import Foundation
import Publisher
import SiteManifest
import StockLedger

/// The stock ledger at a publish target, beside the deploy records. Written create-then-point:
/// version `.dropgen/stock/<sequence>.json` is created create-only, so of two writers of one
/// version only one wins, and only then is `.dropgen/stock.json` (what a build reads) replaced
/// with the same bytes. A reader never sees a half-written ledger: each put is one whole object.
public struct LedgerStore: Sendable {
    /// Versions kept besides the newest's pointer: older ones are deleted after each write.
    public static let keptVersions = 10
    /// The folder of versions at the target.
    public static let versionPrefix = ".dropgen/stock/"

    public let target: any PublishTarget

    public init(target: any PublishTarget) { self.target = target }

    /// `.dropgen/stock/0000000042.json`.
    public static func versionKey(_ sequence: Int) -> String {
        let digits = String(sequence)
        return versionPrefix + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".json"
    }

    /// The sequence of a key of exactly the version pattern, else nil.
    static func sequence(ofVersionKey key: String) -> Int? {
        guard key.hasPrefix(versionPrefix), key.hasSuffix(".json") else { return nil }
        let digits = key.dropFirst(versionPrefix.count).dropLast(5)
        guard digits.utf8.count == 10, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(digits)
    }

    /// The ledger at the target; `.empty` when it has none.
    public func read() async throws -> StockLedger {
        try await target.open(forWriting: false)
        guard let data = try await target.get(StockLedger.key) else { return .empty }
        return try StockLedger.decode(data, file: StockLedger.key)
    }

    /// Creates the ledger's version (a different one of the same sequence: `LedgerConflict`; the
    /// same bytes: a retry, fine), points `.dropgen/stock.json` at it, then deletes versions
    /// older than the last `keptVersions`. Three requests (put, list, put) plus the deletes.
    ///
    /// A writer that read a ledger so old that its version was pruned would otherwise create it
    /// afresh: the listing shows a newer version and it gets `LedgerConflict` too. A writer
    /// killed between its two puts leaves the pointer one version behind; the next writer of
    /// that version moves the pointer on before its `LedgerConflict`, so reading again works.
    public func write(_ ledger: StockLedger) async throws {
        let data = ledger.encoded()
        guard data.count <= StockLedger.maxBytes else {
            throw LedgerTooLarge(bytes: data.count)
        }
        try await target.open(forWriting: true)
        let headers = Self.headers(data)
        let version = Self.versionKey(ledger.sequence)
        let conflict = LedgerConflict(sequence: ledger.sequence, target: target.displayName)
        let created = try await target.put(version, body: data, headers: headers, createOnly: true)
        if created == .alreadyExists {
            guard let existing = try await target.get(version) else { throw conflict }
            if existing != data {
                try await catchUpPointer(to: existing, sequence: ledger.sequence)
                throw conflict
            }
        }
        let versions = try await target.list(prefix: Self.versionPrefix)
            .compactMap { object in Self.sequence(ofVersionKey: object.key).map { ($0, object.key) } }
            .sorted { $0.0 < $1.0 }
        if let newest = versions.last, newest.0 > ledger.sequence {
            if created == .created { try await target.delete(version) }
            throw conflict
        }
        _ = try await target.put(StockLedger.key, body: data, headers: headers, createOnly: false)
        // Only keys of exactly the version pattern: nothing else under the prefix is touched.
        for (_, key) in versions.dropLast(Self.keptVersions) { try await target.delete(key) }
    }

    static func headers(_ data: Data) -> ObjectHeaders {
        ObjectHeaders(contentType: "application/json; charset=utf-8", cacheControl: "no-cache", sha256: SHA256.hash(data: data).hex)
    }

    /// Points `.dropgen/stock.json` at version `sequence` when it is still behind it: the
    /// version is whole (created in one put) and holds every event of the one before.
    private func catchUpPointer(to existing: Data, sequence: Int) async throws {
        guard let version = try? StockLedger.decode(existing, file: Self.versionKey(sequence)), version.sequence == sequence else { return }
        let pointer = try await target.get(StockLedger.key).flatMap { try? StockLedger.decode($0) }
        guard (pointer?.sequence ?? -1) < sequence else { return }
        _ = try await target.put(StockLedger.key, body: existing, headers: Self.headers(existing), createOnly: false)
    }
}
