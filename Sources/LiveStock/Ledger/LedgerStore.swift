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
    /// older than the last `keptVersions`.
    public func write(_ ledger: StockLedger) async throws {
        let data = ledger.encoded()
        guard data.count <= StockLedger.maxBytes else {
            throw LedgerTooLarge(bytes: data.count)
        }
        try await target.open(forWriting: true)
        let headers = ObjectHeaders(contentType: "application/json; charset=utf-8", cacheControl: "no-cache",
                                    sha256: SHA256.hash(data: data).hex)
        let version = Self.versionKey(ledger.sequence)
        if try await target.put(version, body: data, headers: headers, createOnly: true) == .alreadyExists {
            guard try await target.get(version) == data else {
                throw LedgerConflict(sequence: ledger.sequence, target: target.displayName)
            }
        }
        _ = try await target.put(StockLedger.key, body: data, headers: headers, createOnly: false)
        try await pruneVersions()
    }

    /// Deletes versions beyond the newest `keptVersions`: only keys of exactly the version
    /// pattern, so nothing else under the prefix is touched.
    func pruneVersions() async throws {
        let versions = try await target.list(prefix: Self.versionPrefix)
            .compactMap { object in Self.sequence(ofVersionKey: object.key).map { ($0, object.key) } }
            .sorted { $0.0 < $1.0 }
        for (_, key) in versions.dropLast(Self.keptVersions) { try await target.delete(key) }
    }
}
