import Foundation
import SiteManifest

/// Times of stock events: whole milliseconds, so an event read back from the journal or the
/// ledger equals the one written. RFC 3339 in UTC, with `.SSS` only when the milliseconds are not 0.
enum StockTime {
    /// `date` at the nearest whole millisecond.
    static func milliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = Int(millis - seconds * 1000)
        let whole = RFC3339.format(Date(timeIntervalSince1970: Double(seconds)))
        guard fraction != 0 else { return whole }
        let digits = String(fraction)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// An RFC 3339 time within RFC3339's range, rounded to whole milliseconds.
    static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 40, let date = RFC3339.parse(text),
              RFC3339.secondsRange.contains(Int(date.timeIntervalSince1970.rounded(.down))) else { return nil }
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
