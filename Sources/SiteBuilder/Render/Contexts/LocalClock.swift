import Foundation
import SiteManifest

/// Formats instants in the site's time zone, the same way on every machine (no locale data):
/// pages read correctly without JavaScript and builds stay byte-identical.
struct LocalClock: Sendable {
    let timeZone: TimeZone

    init(timeZone: TimeZone) { self.timeZone = timeZone }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private func wall(_ date: Date) -> WallTime { WallTime(date, offset: timeZone.secondsFromGMT(for: date)) }

    /// `Fri 4 Dec 2026`
    func day(_ date: Date) -> String {
        let w = wall(date)
        return "\(Self.weekdays[w.weekday]) \(w.day) \(Self.months[w.month - 1]) \(w.year)"
    }

    /// `18:00`
    func time(_ date: Date) -> String { wall(date).timeText(seconds: false) }

    /// `Fri 4 Dec 2026, 18:00`
    func display(_ date: Date) -> String { "\(day(date)), \(time(date))" }

    /// `2026-12-04T18:00:00+01:00`: local wall time with its offset, for `<time datetime>` and JSON-LD.
    func iso(_ date: Date) -> String {
        let w = wall(date)
        let zone = w.offset == 0 ? "Z" : (w.offset < 0 ? "-" : "+") + twoDigits(abs(w.offset) / 3600) + ":" + twoDigits(abs(w.offset) % 3600 / 60)
        return w.dateText + "T" + w.timeText(seconds: true) + zone
    }

    /// `2026-12-04`, for grouping by local day.
    func dayKey(_ date: Date) -> String { wall(date).dateText }
}

/// The calendar fields of an instant seen at a fixed UTC offset, by integer arithmetic: these
/// are formatted for every drop on every build, and `Calendar` with `String(format:)` dominated.
struct WallTime {
    var year, month, day, hour, minute, second: Int
    /// 0 = Sunday.
    var weekday: Int
    var offset: Int

    init(_ date: Date, offset: Int) {
        let total = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondsOfDay = total - days * 86_400
        (year, month, day) = RFC3339.civilFromDays(days)
        hour = secondsOfDay / 3600
        minute = secondsOfDay % 3600 / 60
        second = secondsOfDay % 60
        // 1970-01-01 was a Thursday.
        weekday = ((days % 7) + 11) % 7
        self.offset = offset
    }

    /// `2026-12-04`
    var dateText: String {
        let digits = String(year)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "-" + twoDigits(month) + "-" + twoDigits(day)
    }

    /// `18:00` or `18:00:00`
    func timeText(seconds: Bool) -> String {
        twoDigits(hour) + ":" + twoDigits(minute) + (seconds ? ":" + twoDigits(second) : "")
    }
}

func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
