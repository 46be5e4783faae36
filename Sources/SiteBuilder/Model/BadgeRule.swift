import Foundation
import SiteSource

/// `rule: { metric, window_days, at_least | at_most, min_orders }`: a badge earned from data,
/// recomputed at every build so it can be lost as well as won.
public struct BadgeRule: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable {
        /// Creator: share of its buyers in the window who bought from it at least twice.
        case repeatPurchaseRate = "repeat_purchase_rate"
        /// Creator: share of orders whose pickup window has passed that were handed over inside it.
        case pickupOnTimeRate = "pickup_on_time_rate"
        /// Creator: median hours from a dispute being opened to its first response.
        case disputeFirstResponseHoursMedian = "dispute_first_response_hours_median"
        /// Buyer: purchases (not cancelled or refunded) in the window.
        case purchases

        var audience: Badge.Audience { self == .purchases ? .buyer : .creator }
        var isRate: Bool { self == .repeatPurchaseRate || self == .pickupOnTimeRate }
    }

    public var metric: Metric
    public var windowDays: Int
    public var atLeast: Double?
    public var atMost: Double?
    public var minOrders: Int

    static let keys = ["metric", "window_days", "at_least", "at_most", "min_orders"]

    static func parse(_ fields: YAMLFields, audience: Badge.Audience?, log: inout DiagnosticLog) -> BadgeRule? {
        let before = log.count
        fields.checkKeys(known: keys, required: ["metric"], log: &log)
        var metric: Metric?
        if let name = fields.string("metric", log: &log) {
            metric = Metric(rawValue: name)
            if metric == nil {
                var message = "unknown metric \"\(name)\"; expected one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))"
                message += Suggestion.didYouMean(name, among: Metric.allCases.map(\.rawValue))
                log.add(fields.diagnostic("metric", message))
            } else if let metric, let audience, metric.audience != audience {
                log.add(fields.diagnostic("metric", "`\(metric.rawValue)` measures \(metric.audience.rawValue)s, but this badge is for \(audience.rawValue)s"))
            }
        }
        let windowDays = fields.int("window_days", min: 1, log: &log) ?? 90
        let minOrders = fields.int("min_orders", min: 0, log: &log) ?? 1
        let atLeast = threshold("at_least", fields: fields, metric: metric, log: &log)
        let atMost = threshold("at_most", fields: fields, metric: metric, log: &log)
        if fields.has("at_least") == fields.has("at_most") {
            log.add(Diagnostic(file: fields.source.file, line: fields.line, key: fields.keyPath("at_least"),
                               message: "give exactly one threshold: `at_least` or `at_most`"))
        }
        guard log.count == before, let metric else { return nil }
        return BadgeRule(metric: metric, windowDays: windowDays, atLeast: atLeast, atMost: atMost, minOrders: minOrders)
    }

    private static func threshold(_ key: String, fields: YAMLFields, metric: Metric?, log: inout DiagnosticLog) -> Double? {
        guard let node = fields.node(key) else { return nil }
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite, value >= 0 else {
            log.add(fields.diagnostic(key, "expected a number that is not negative, got \(node.described)"))
            return nil
        }
        if metric?.isRate == true, value > 1 {
            log.add(fields.diagnostic(key, "is a share between 0 and 1, got \(text) (write 0.3 for 30%)"))
            return nil
        }
        return value
    }

    /// What the data says about one creator or buyer, and whether it meets the rule.
    public struct Figure: Sendable, Equatable {
        public var value: Double?
        /// Orders, buyers, pickups or disputes the value was computed from.
        public var count: Int
        public var qualifies: Bool
        /// "96% of 140 pickups on time, last 90 days"
        public var text: String
    }

    /// Figures for every creator (or buyer) that appears in the data, keyed by id.
    func evaluate(_ data: MarketData, now: Date) -> [String: Figure] {
        let start = now.addingTimeInterval(-Double(windowDays) * 86_400)
        let orders = data.orders.filter { $0.purchasedAt >= start && $0.purchasedAt <= now && $0.counts }
        let window = "last \(windowDays) days"
        var figures: [String: Figure] = [:]
        switch metric {
        case .pickupOnTimeRate:
            let due = orders.filter { order in order.pickupEnds.map { $0 <= now } ?? false }
            for (creator, group) in Dictionary(grouping: due, by: \.creator) {
                let onTime = group.filter { order in
                    guard let fulfilled = order.fulfilledAt, let starts = order.pickupStarts, let ends = order.pickupEnds else { return false }
                    return fulfilled >= starts && fulfilled <= ends
                }.count
                let rate = Double(onTime) / Double(group.count)
                var result = figure(rate, count: group.count, text: "\(percent(rate)) of \(group.count) pickups on time, \(window)")
                if group.count < minOrders { result.qualifies = false }
                figures[creator] = result
            }
        case .repeatPurchaseRate:
            for (creator, group) in Dictionary(grouping: orders, by: \.creator) {
                let perBuyer = Dictionary(grouping: group, by: \.buyer)
                let repeaters = perBuyer.values.filter { $0.count >= 2 }.count
                let rate = Double(repeaters) / Double(perBuyer.count)
                var result = figure(rate, count: perBuyer.count, text: "\(percent(rate)) of \(perBuyer.count) buyers came back, \(window)")
                if group.count < minOrders { result.qualifies = false }
                figures[creator] = result
            }
        case .disputeFirstResponseHoursMedian:
            let orderCreator = Dictionary(data.orders.map { ($0.id, $0.creator) }, uniquingKeysWith: { first, _ in first })
            let disputes = data.disputes.filter { $0.openedAt >= start && $0.openedAt <= now }
            let byCreator = Dictionary(grouping: disputes) { orderCreator[$0.orderID] ?? "" }
            for (creator, group) in Dictionary(grouping: orders, by: \.creator) {
                // An unanswered dispute counts with the time it has waited so far.
                let hours = (byCreator[creator] ?? []).map { (($0.firstResponseAt ?? now).timeIntervalSince($0.openedAt)) / 3600 }.sorted()
                if hours.isEmpty {
                    figures[creator] = Figure(value: nil, count: 0, qualifies: group.count >= minOrders,
                                              text: "no disputes in \(group.count) orders, \(window)")
                    continue
                }
                let middle = hours.count / 2
                let median = hours.count % 2 == 1 ? hours[middle] : (hours[middle - 1] + hours[middle]) / 2
                var result = figure(median, count: hours.count,
                                    text: "disputes answered in a median \(formatHours(median)) (\(hours.count) dispute\(hours.count == 1 ? "" : "s")), \(window)")
                if group.count < minOrders { result.qualifies = false }
                figures[creator] = result
            }
        case .purchases:
            for (buyer, group) in Dictionary(grouping: orders, by: \.buyer) {
                figures[buyer] = figure(Double(group.count), count: group.count,
                                        text: "\(group.count) purchase\(group.count == 1 ? "" : "s"), \(window)")
            }
        }
        return figures
    }

    private func figure(_ value: Double, count: Int, text: String) -> Figure {
        let meets = (atLeast.map { value >= $0 } ?? true) && (atMost.map { value <= $0 } ?? true)
        return Figure(value: value, count: count, qualifies: meets && count > 0, text: text)
    }

    /// Rounded down, so a badge never overstates: 95.9% reads "95%".
    private func percent(_ rate: Double) -> String { "\(Int((rate * 100 + 1e-9).rounded(.down)))%" }

    private func formatHours(_ hours: Double) -> String {
        hours < 10 ? String(format: "%.1f h", hours) : "\(Int(hours.rounded())) h"
    }

    /// "Pickups on time at least 95% of the time over the last 90 days (20 pickups or more)."
    var explanation: String {
        let threshold: String
        if let atLeast { threshold = metric.isRate ? "at least \(Int((atLeast * 100).rounded()))%" : "at least \(clean(atLeast))" }
        else { threshold = "at most \(clean(atMost ?? 0))" }
        switch metric {
        case .pickupOnTimeRate:
            return "Orders handed over inside their pickup window \(threshold) of the time over the last \(windowDays) days (\(minOrders) pickups or more)."
        case .repeatPurchaseRate:
            return "\(threshold.prefix(1).uppercased() + threshold.dropFirst()) of buyers came back for another purchase within \(windowDays) days (\(minOrders) orders or more)."
        case .disputeFirstResponseHoursMedian:
            return "Disputes get a first answer in a median of \(threshold) hours over the last \(windowDays) days."
        case .purchases:
            return "\(threshold.prefix(1).uppercased() + threshold.dropFirst()) purchases picked up or delivered in the last \(windowDays) days."
        }
    }

    private func clean(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : "\(value)"
    }
}
