import Foundation

/// Formats instants in the site's time zone, the same way on every machine (no locale data):
/// pages read correctly without JavaScript and builds stay byte-identical.
struct LocalClock: Sendable {
    let timeZone: TimeZone
    private let calendar: Calendar

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private func parts(_ date: Date) -> DateComponents {
        calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
    }

    /// `Fri 4 Dec 2026`
    func day(_ date: Date) -> String {
        let p = parts(date)
        return "\(Self.weekdays[p.weekday! - 1]) \(p.day!) \(Self.months[p.month! - 1]) \(p.year!)"
    }

    /// `18:00`
    func time(_ date: Date) -> String {
        let p = parts(date)
        return String(format: "%02d:%02d", p.hour!, p.minute!)
    }

    /// `Fri 4 Dec 2026, 18:00`
    func display(_ date: Date) -> String { "\(day(date)), \(time(date))" }

    /// `2026-12-04T18:00:00+01:00`: local wall time with its offset, for `<time datetime>` and JSON-LD.
    func iso(_ date: Date) -> String {
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let zone = offset == 0 ? "Z" : String(format: "%@%02d:%02d", sign, abs(offset) / 3600, abs(offset) % 3600 / 60)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!) + zone
    }

    /// `2026-12-04`, for grouping by local day.
    func dayKey(_ date: Date) -> String {
        let p = parts(date)
        return String(format: "%04d-%02d-%02d", p.year!, p.month!, p.day!)
    }
}
