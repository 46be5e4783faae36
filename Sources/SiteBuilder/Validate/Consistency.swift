import Foundation
import SiteSource

/// A build-time guard: a drop page must show the price and state the model computed. Templates
/// mark them with `data-price` and `data-state`; a theme that prints something else fails the build.
enum Consistency {
    static func check(_ html: [UInt8], drop: Drop, site: Site) -> Diagnostic? {
        let template = "templates/drop.mustache"
        let prices = attributeValues("data-price", in: html)
        if let price = drop.price, let wrong = prices.first(where: { $0 != price.description }) {
            return Diagnostic(file: template, key: "price",
                              message: "the page of \(drop.file) shows price \(wrong), but the drop's price is \(price.description)")
        }
        if drop.price != nil, prices.isEmpty {
            return Diagnostic(file: template, key: "price",
                              message: "the page of \(drop.file) does not mark its price; add data-price=\"{{drop.price_amount}}\" where the price is shown")
        }
        let states = attributeValues("data-state", in: html)
        if let wrong = states.first(where: { $0 != drop.state.rawValue }) {
            return Diagnostic(file: template, key: "state",
                              message: "the page of \(drop.file) shows state \(wrong), but at this build's clock the drop is \(drop.state.rawValue)")
        }
        if states.isEmpty {
            return Diagnostic(file: template, key: "state",
                              message: "the page of \(drop.file) does not mark its state; add data-state=\"{{drop.state}}\"")
        }
        return nil
    }

    static func attributeValues(_ name: String, in bytes: [UInt8]) -> [String] {
        let marker = Array(" \(name)=\"".utf8)
        var values: [String] = []
        var index = 0
        while let found = bytes.firstRange(of: marker, from: index) {
            let start = found.upperBound
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
            values.append(String(decoding: bytes[start..<end], as: UTF8.self))
            index = end
        }
        return values
    }
}

extension [UInt8] {
    /// The first occurrence of `needle` at or after `start`. libc's `memchr` (vectorized) finds
    /// candidates by the needle's `=`, rare in HTML outside attributes: pages are scanned whole
    /// several times per build.
    func firstRange(of needle: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty else { return nil }
        let anchor = needle.firstIndex(of: UInt8(ascii: "=")) ?? 0
        return withUnsafeBytes { haystack -> Range<Int>? in
            guard let base = haystack.baseAddress else { return nil }
            var position = start + anchor
            while position < haystack.count {
                guard let hit = memchr(base + position, Int32(needle[anchor]), haystack.count - position) else { return nil }
                let lower = base.distance(to: UnsafeRawPointer(hit)) - anchor
                if lower >= start, lower + needle.count <= haystack.count,
                   needle.withUnsafeBytes({ memcmp(base + lower, $0.baseAddress!, needle.count) == 0 }) {
                    return lower..<(lower + needle.count)
                }
                position = lower + anchor + 1
            }
            return nil
        }
    }
}
