import Foundation
import MediaPipeline
import SiteSource

public struct SiteConfig: Sendable {
    public var title: String
    public var description: String
    /// Absolute, without a trailing slash: `https://market.example`.
    public var baseURL: String
    public var currency: String
    public var timeZone: TimeZone
    public var locale: String
    public var cadence: Cadence?
    public var media: MediaOptions
    /// A closed drop becomes archived this many days after it closes.
    public var archiveAfterDays: Int
    /// `budgets:`, checked by `dropgen check` (SiteCheck+Budgets.swift).
    public var budgets = Budgets()
    /// `stock: { from: <target> }`: the publish target whose stock ledger a build applies
    /// (`dropgen build` reads it there; `--stock-from` overrides it).
    public var stockFrom: String?
    /// Where `stock.from` is written, as a diagnostic without a message: a mistake found later
    /// (no such target) points there.
    public var stockFromAt: Diagnostic?
    /// What the build reports but does not refuse (a deprecated key), as `file:line:column: key: message`.
    public var warnings: [String] = []

    public func absoluteURL(_ path: String) -> String { baseURL + path }
}

/// `cadence: { weekly: "friday 18:00" }`: the site's regular drop slot in its time zone.
public struct Cadence: Sendable, Equatable {
    /// 1 = Sunday … 7 = Saturday, as in `Calendar`.
    public var weekday: Int
    public var hour: Int
    public var minute: Int

    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    static func parse(_ text: String) -> Cadence? {
        let parts = text.lowercased().split(separator: " ")
        guard parts.count == 2, let day = weekdays.firstIndex(of: String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":")
        guard time.count == 2, let hour = Int(time[0]), let minute = Int(time[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return Cadence(weekday: day + 1, hour: hour, minute: minute)
    }

    /// The next `count` slots strictly after `date`, in `timeZone`.
    public func slots(after date: Date, count: Int, in timeZone: TimeZone) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var slots: [Date] = []
        var cursor = date
        while slots.count < count,
              let next = calendar.nextDate(after: cursor, matching: DateComponents(hour: hour, minute: minute, second: 0, weekday: weekday),
                                           matchingPolicy: .nextTime) {
            slots.append(next)
            cursor = next
        }
        return slots
    }
}
