import Foundation
import MediaPipeline

/// The content cache's shard files: a compact binary form of the parsed drops. Foundation's JSON
/// coders took a third of a one-edit rebuild to read the cache, and a tenth of a cold build's
/// work to write it. The rare parts (media requests, planned media) are kept as JSON inside.
///
/// A shard is `DGCS`, the cache format, the entry count, then each entry's key and drop. Any
/// shard that does not read back completely counts as empty: the drops in it are parsed again.
extension ContentCache {
    static let shardMagic = Array("DGCS".utf8)

    static func encodeShard(_ entries: [String: DropLoader.Loaded]) throws -> Data {
        var writer = ShardWriter()
        writer.bytes += shardMagic
        writer.int(format)
        writer.int(entries.count)
        for key in entries.keys.sorted() {
            writer.string(key)
            try writer.loaded(entries[key]!)
        }
        return Data(writer.bytes)
    }

    static func decodeShard(_ data: Data) -> [String: DropLoader.Loaded]? {
        data.withUnsafeBytes { buffer -> [String: DropLoader.Loaded]? in
            var reader = ShardReader(bytes: buffer)
            do {
                guard try reader.take(shardMagic.count).elementsEqual(shardMagic), try reader.int() == format else { return nil }
                let count = try reader.int()
                var entries: [String: DropLoader.Loaded] = [:]
                entries.reserveCapacity(count)
                for _ in 0..<count {
                    let key = try reader.string()
                    entries[key] = try reader.loaded()
                }
                return reader.isAtEnd ? entries : nil
            } catch {
                return nil
            }
        }
    }
}

struct ShardWriter {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 }
    }

    mutating func double(_ value: Double) { int(Int(Int64(bitPattern: value.bitPattern))) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes += value.utf8
    }

    mutating func optional<Value>(_ value: Value?, _ write: (inout ShardWriter, Value) throws -> Void) rethrows {
        bool(value != nil)
        if let value { try write(&self, value) }
    }

    mutating func list<Value>(_ values: [Value], _ write: (inout ShardWriter, Value) throws -> Void) rethrows {
        int(values.count)
        for value in values { try write(&self, value) }
    }

    mutating func json<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(value)
        int(data.count)
        bytes += data
    }

    mutating func date(_ value: Date) { double(value.timeIntervalSinceReferenceDate) }

    mutating func loaded(_ loaded: DropLoader.Loaded) throws {
        let drop = loaded.drop
        for text in [drop.file, drop.slug, drop.title, drop.creatorID, drop.bodyHTML, drop.summary, drop.source, drop.state.rawValue] {
            string(text)
        }
        list(drop.aliases) { $0.string($1) }
        list(drop.tags) { $0.string($1) }
        for money in [drop.price, drop.compareAt] { optional(money) { $0.int(Int($1.minorUnits)) } }
        for date in [drop.priceUntil, drop.opens, drop.closes] { optional(date) { $0.date($1) } }
        for number in [drop.edition, drop.remaining, drop.perCustomerLimit] { optional(number) { $0.int($1) } }
        optional(drop.statusOverride) { $0.string($1.rawValue) }
        optional(drop.earlyAccess) { writer, access in
            writer.date(access.opens)
            writer.list(access.badges) { $0.string($1) }
            writer.optional(access.buyURL) { $0.string($1) }
            writer.list(access.revoke) { $0.string($1) }
        }
        list(drop.pickup) { writer, window in
            writer.string(window.location)
            writer.optional(window.address) { $0.string($1) }
            writer.date(window.starts)
            writer.date(window.ends)
        }
        optional(drop.policyID) { $0.string($1) }
        optional(drop.buyURL) { $0.string($1) }
        list(drop.lines.keys.sorted()) { writer, key in
            writer.string(key)
            writer.int(drop.lines[key]!)
        }
        // Planned media is set after loading and normally absent here; kept exactly if present.
        try optional(drop.hero) { try $0.json($1) }
        try optional(drop.images.isEmpty ? nil : drop.images) { try $0.json($1) }
        try optional(loaded.hero) { try $0.json($1) }
        string(loaded.heroAlt)
        try optional(loaded.images.isEmpty ? nil : loaded.images) { try $0.json($1) }
    }
}

struct ShardReader {
    struct Truncated: Error {}

    let bytes: UnsafeRawBufferPointer
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - offset else { throw Truncated() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    mutating func int() throws -> Int {
        Int(Int64(littleEndian: try take(8).loadUnaligned(as: Int64.self)))
    }

    mutating func double() throws -> Double { Double(bitPattern: UInt64(bitPattern: Int64(try int()))) }

    mutating func bool() throws -> Bool {
        switch try take(1)[0] {
        case 0: return false
        case 1: return true
        default: throw Truncated()
        }
    }

    mutating func string() throws -> String { String(decoding: try take(try int()), as: UTF8.self) }

    mutating func optional<Value>(_ read: (inout ShardReader) throws -> Value) throws -> Value? {
        try bool() ? try read(&self) : nil
    }

    mutating func list<Value>(_ read: (inout ShardReader) throws -> Value) throws -> [Value] {
        let count = try int()
        guard count >= 0, count <= bytes.count - offset else { throw Truncated() }
        return try (0..<count).map { _ in try read(&self) }
    }

    mutating func json<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(type, from: Data(try take(try int())))
    }

    mutating func date() throws -> Date { Date(timeIntervalSinceReferenceDate: try double()) }

    mutating func state() throws -> DropState {
        guard let state = DropState(rawValue: try string()) else { throw Truncated() }
        return state
    }

    mutating func loaded() throws -> DropLoader.Loaded {
        let file = try string(), slug = try string(), title = try string(), creatorID = try string()
        let bodyHTML = try string(), summary = try string(), source = try string(), state = try state()
        let aliases = try list { try $0.string() }, tags = try list { try $0.string() }
        let price = try optional { Money(minorUnits: Int64(try $0.int())) }, compareAt = try optional { Money(minorUnits: Int64(try $0.int())) }
        let priceUntil = try optional { try $0.date() }, opens = try optional { try $0.date() }, closes = try optional { try $0.date() }
        let edition = try optional { try $0.int() }, remaining = try optional { try $0.int() }
        let perCustomerLimit = try optional { try $0.int() }
        let statusOverride = try optional { try $0.state() }
        let earlyAccess = try optional { reader in
            EarlyAccess(opens: try reader.date(), badges: try reader.list { try $0.string() }, buyURL: try reader.optional { try $0.string() },
                        revoke: try reader.list { try $0.string() })
        }
        let pickup = try list { reader in
            PickupWindow(location: try reader.string(), address: try reader.optional { try $0.string() },
                         starts: try reader.date(), ends: try reader.date())
        }
        let policyID = try optional { try $0.string() }, buyURL = try optional { try $0.string() }
        var lines: [String: Int] = [:]
        for (key, line) in try list({ (try $0.string(), try $0.int()) }) { lines[key] = line }
        let hero = try optional { try $0.json(HeroMedia.self) }
        let images = try optional { try $0.json([StillMedia].self) } ?? []
        var drop = Drop(file: file, slug: slug, title: title, creatorID: creatorID, aliases: aliases, price: price,
                        compareAt: compareAt, priceUntil: priceUntil, edition: edition, remaining: remaining,
                        perCustomerLimit: perCustomerLimit, opens: opens, closes: closes, statusOverride: statusOverride,
                        earlyAccess: earlyAccess, hero: hero, images: images, pickup: pickup, policyID: policyID, tags: tags,
                        buyURL: buyURL, bodyHTML: bodyHTML, summary: summary, state: state, lines: lines)
        drop.source = source
        return DropLoader.Loaded(drop: drop, hero: try optional { try $0.json(HeroRequest.self) }, heroAlt: try string(),
                                 images: try optional { try $0.json([DropLoader.Loaded.Image].self) } ?? [])
    }
}
