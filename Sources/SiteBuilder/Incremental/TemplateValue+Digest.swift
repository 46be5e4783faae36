import Crypto
import SiteManifest
import TemplateKit

/// The build cache's fingerprint of a template value: a page's bytes are a pure function of its
/// template, its value and the asset map, so equal digests mean the page need not be rendered again.
extension TemplateValue {
    /// A digest stable across runs and machines (keys in sorted order), for the build cache.
    func digest() -> String {
        var bytes: [UInt8] = []
        serialize(into: &bytes)
        return SHA256.hash(data: bytes).hex
    }

    /// An unambiguous byte form (tagged, length-prefixed, keys sorted): hashed in one call,
    /// which is far cheaper than feeding a hasher piece by piece.
    func serialize(into bytes: inout [UInt8]) {
        switch self {
        case .string(let text):
            bytes.append(0x73)
            appendLength(text.utf8.count, to: &bytes)
            bytes.append(contentsOf: text.utf8)
        case .int(let number):
            bytes.append(0x69)
            appendLength(number, to: &bytes)
        case .bool(let flag):
            bytes.append(flag ? 0x74 : 0x66)
        case .list(let items):
            bytes.append(0x6C)
            appendLength(items.count, to: &bytes)
            for item in items { item.serialize(into: &bytes) }
        case .object(let fields):
            bytes.append(0x6F)
            appendLength(fields.count, to: &bytes)
            for key in fields.keys.sorted() {
                appendLength(key.utf8.count, to: &bytes)
                bytes.append(contentsOf: key.utf8)
                fields[key]!.serialize(into: &bytes)
            }
        }
    }

    private func appendLength(_ value: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
    }
}
