import Foundation
import SiteBuilder

/// Conversion (orders ÷ views) of drops by makers holding each creator badge against the rest.
public struct BadgeLift: Sendable, Codable, Equatable {
    public static let minimumViews = 100
    public static let minimumOrders = 10
    public static let definition = """
        Needs data/views.csv (drop, date, views: an analytics export, one row per drop and day). For each creator badge: \
        group A is the drops whose maker holds the badge at the report's clock, group B every other drop with views. \
        Views: the sum of the group's views on days in the period; orders: the group's orders (not cancelled or refunded) \
        purchased in the period. Conversion = orders ÷ views, with a 95% Wilson score interval; the lift is A − B in \
        percentage points with Newcombe's hybrid score interval (method 10) for a difference of two proportions. Below \
        \(minimumViews) views in either group or \(minimumOrders) orders in both together the report says "not enough \
        data" instead of a number. Badge holders are taken at the report's clock, not at each view's day.
        """
    public static let missingExplanation = """
        Add data/views.csv, an analytics export with the header drop,date,views (one row per drop and day, the day as \
        2026-12-04) to compare the conversion of drops by makers holding each badge with the rest.
        """

    public struct Group: Sendable, Codable, Equatable {
        public var drops: Int
        public var views: Int
        public var orders: Int
        public var conversion: Double?
        public var low: Double?
        public var high: Double?
    }

    public struct Row: Sendable, Codable, Equatable {
        public var badge: String
        public var holders: [String]
        public var withBadge: Group
        public var without: Group
        /// "ok", "not enough data", or why it cannot be computed.
        public var status: String
        public var lift: Double?
        public var liftLow: Double?
        public var liftHigh: Double?

        enum CodingKeys: String, CodingKey {
            case badge, holders, without, status, lift
            case withBadge = "with_badge", liftLow = "lift_low", liftHigh = "lift_high"
        }
    }

    /// false: data/views.csv does not exist (`explanation` says what would enable the section).
    public var available: Bool
    public var explanation: String?
    public var rows: [Row]
    /// Views rows for slugs that are neither drops in content/ nor in orders.csv (left out).
    public var viewsOfUnknownDrops: Int

    enum CodingKeys: String, CodingKey {
        case available, explanation, rows
        case viewsOfUnknownDrops = "views_of_unknown_drops"
    }

    static func compute(views: [ReportInputs.View]?, orders: [MarketData.Order], site: Site, period: ReportPeriod) -> BadgeLift {
        guard let views else { return BadgeLift(available: false, explanation: missingExplanation, rows: [], viewsOfUnknownDrops: 0) }
        let first = period.since.map(period.day), last = period.day(period.now)
        var makerOf = Dictionary(orders.map { ($0.drop, $0.creator) }, uniquingKeysWith: { first, _ in first })
        for drop in site.drops { makerOf[drop.slug] = drop.creatorID }
        var viewsByDrop: [String: Int] = [:], unknown = 0
        for view in views where view.day <= last && (first.map { view.day >= $0 } ?? true) {
            guard makerOf[view.drop] != nil else {
                unknown += 1
                continue
            }
            viewsByDrop[view.drop, default: 0] += view.views
        }
        var ordersByDrop: [String: Int] = [:]
        for order in orders where order.counts && period.contains(order.purchasedAt) && viewsByDrop[order.drop] != nil {
            ordersByDrop[order.drop, default: 0] += 1
        }
        var rows: [Row] = []
        for badge in site.badges where badge.audience == .creator {
            let holders = Set(badge.holders)
            func group(_ member: (String) -> Bool) -> Group {
                let drops = viewsByDrop.keys.filter { member(makerOf[$0]!) }
                let views = drops.reduce(0) { $0 + viewsByDrop[$1]! }, orders = drops.reduce(0) { $0 + (ordersByDrop[$1] ?? 0) }
                var result = Group(drops: drops.count, views: views, orders: orders)
                if views > 0, orders <= views {
                    let interval = Interval.wilson(successes: orders, trials: views)
                    result.conversion = rounded(Double(orders) / Double(views), places: 1_000_000)
                    result.low = rounded(interval.low, places: 1_000_000)
                    result.high = rounded(interval.high, places: 1_000_000)
                }
                return result
            }
            let with = group { holders.contains($0) }, without = group { !holders.contains($0) }
            var row = Row(badge: badge.id, holders: badge.holders.sorted(), withBadge: with, without: without, status: "ok")
            if with.orders > with.views || without.orders > without.views {
                row.status = "more orders than views: views.csv does not cover these drops' traffic"
            } else if with.views < minimumViews || without.views < minimumViews || with.orders + without.orders < minimumOrders {
                row.status = "not enough data"
            } else {
                let difference = Interval.newcombe(successes1: with.orders, trials1: with.views, successes2: without.orders, trials2: without.views)
                row.lift = rounded(difference.estimate, places: 1_000_000)
                row.liftLow = rounded(difference.low, places: 1_000_000)
                row.liftHigh = rounded(difference.high, places: 1_000_000)
            }
            rows.append(row)
        }
        return BadgeLift(available: true, explanation: nil, rows: rows, viewsOfUnknownDrops: unknown)
    }
}

/// 95% intervals for proportions.
enum Interval {
    static let z = 1.959963984540054

    /// Wilson's score interval for successes ÷ trials (trials > 0).
    static func wilson(successes: Int, trials: Int) -> (low: Double, high: Double) {
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }

    /// Newcombe's hybrid score interval (1998, method 10) for p1 − p2, from the two Wilson intervals.
    static func newcombe(successes1: Int, trials1: Int, successes2: Int, trials2: Int) -> (estimate: Double, low: Double, high: Double) {
        let p1 = Double(successes1) / Double(trials1), p2 = Double(successes2) / Double(trials2)
        let (l1, u1) = wilson(successes: successes1, trials: trials1), (l2, u2) = wilson(successes: successes2, trials: trials2)
        let d = p1 - p2
        let low = d - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot()
        let high = d + ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot()
        return (d, low, high)
    }
}
