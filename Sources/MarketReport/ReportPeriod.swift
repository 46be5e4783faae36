import Foundation
import SiteManifest

/// The stretch of time a report covers, and the calendar (the site's time zone) its months and
/// weeks are counted in.
public struct ReportPeriod: Sendable {
    /// Orders, disputes, views and probes before this are left out; nil: from the first record.
    public var since: Date?
    public var now: Date
    public var timeZone: TimeZone

    public init(since: Date?, now: Date, timeZone: TimeZone) {
        self.since = since
        self.now = now
        self.timeZone = timeZone
    }

    public func contains(_ date: Date) -> Bool { date <= now && (since.map { date >= $0 } ?? true) }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        return calendar
    }

    /// `2026-09`, in the site's zone.
    func month(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }

    /// The first instant of the month after `month`'s.
    func endOfMonth(_ date: Date) -> Date {
        let calendar = calendar
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: date)) ?? date
        return calendar.date(byAdding: .month, value: 1, to: start) ?? date
    }

    /// ISO 8601 week, Monday first, in the site's zone: `2026-W37`.
    func week(_ date: Date) -> String {
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return String(format: "%04d-W%02d", parts.yearForWeekOfYear ?? 0, parts.weekOfYear ?? 0)
    }

    /// `2026-12-04`, the day in the site's zone.
    func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// `--since`: a day (`2026-09-01`, its start in the site's zone) or an RFC 3339 time.
    public static func parseSince(_ text: String, timeZone: TimeZone) -> Date? {
        if let date = RFC3339.parse(text) { return date }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else { return nil }
        return date
    }
}
