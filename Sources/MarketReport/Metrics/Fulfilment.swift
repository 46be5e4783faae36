import Foundation
import SiteBuilder

/// Fulfilment-window compliance per maker, pickup location and pop-up event, by week.
public struct Fulfilment: Sendable, Codable, Equatable {
    public static let definition = """
        Orders purchased in the period, not cancelled or refunded, with both pickup_starts and pickup_ends, whose window \
        has ended by the report's clock ("due"; the badge pickup_on_time_rate counts the same). On time: fulfilled_at \
        inside the window, ends included. Early: fulfilled before it starts; late: fulfilled after it ends; no-show: \
        status no_show; not handed over: the window passed with neither. Compliance = on time ÷ due. Weeks are ISO \
        weeks (Monday first, site time zone) of pickup_starts. The location is the drop's pickup entry with the same \
        starts and ends ("unlisted" when none matches or the drop is not in content/); an order belongs to a pop-up \
        event when the event lists its drop and the pickup window overlaps the event's time.
        """

    public struct Row: Sendable, Codable, Equatable {
        /// "market", "maker", "location" or "event".
        public var scope: String
        /// The maker id, location name or event id ("" for the market).
        public var key: String
        /// An ISO week, or "all" for the whole period.
        public var week: String
        public var due: Int
        public var onTime: Int
        public var early: Int
        public var late: Int
        public var noShow: Int
        public var notHandedOver: Int
        public var rate: Double?

        enum CodingKeys: String, CodingKey {
            case scope, key, week, due, early, late, rate
            case onTime = "on_time", noShow = "no_show", notHandedOver = "not_handed_over"
        }
    }

    public var rows: [Row]
    /// Counted orders in the period without a pickup window (left out).
    public var withoutWindow: Int
    /// Counted orders whose window has not ended yet (left out).
    public var notYetDue: Int

    enum CodingKeys: String, CodingKey {
        case rows
        case withoutWindow = "without_window", notYetDue = "not_yet_due"
    }

    enum Outcome { case onTime, early, late, noShow, notHandedOver }

    static func outcome(_ order: MarketData.Order, starts: Date, ends: Date) -> Outcome {
        if let fulfilled = order.fulfilledAt {
            return fulfilled < starts ? .early : fulfilled > ends ? .late : .onTime
        }
        return order.status == .noShow ? .noShow : .notHandedOver
    }

    static func compute(orders: [MarketData.Order], site: Site, period: ReportPeriod) -> Fulfilment {
        let inPeriod = orders.filter { $0.counts && period.contains($0.purchasedAt) }
        let drops = Dictionary(site.drops.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        var withoutWindow = 0, notYetDue = 0
        // (scope, key, week) → counts
        var groups: [[String]: [Outcome]] = [:]
        for order in inPeriod {
            guard let starts = order.pickupStarts, let ends = order.pickupEnds else {
                withoutWindow += 1
                continue
            }
            guard ends <= period.now else {
                notYetDue += 1
                continue
            }
            let outcome = outcome(order, starts: starts, ends: ends)
            let week = period.week(starts)
            let location = drops[order.drop]?.pickup.first { $0.starts == starts && $0.ends == ends }?.location ?? "unlisted"
            var keys = [["market", ""], ["maker", order.creator], ["location", location]]
            for event in site.events where event.drops.contains(order.drop) && starts < event.ends && ends > event.starts {
                keys.append(["event", event.id])
            }
            for key in keys {
                groups[key + [week], default: []].append(outcome)
                groups[key + ["all"], default: []].append(outcome)
            }
        }
        let order = ["market": 0, "maker": 1, "location": 2, "event": 3]
        let rows = groups.keys.sorted { a, b in
            (order[a[0]]!, a[1], a[2] == "all" ? 1 : 0, a[2]) < (order[b[0]]!, b[1], b[2] == "all" ? 1 : 0, b[2])
        }.map { key in
            let outcomes = groups[key]!
            func count(_ outcome: Outcome) -> Int { outcomes.filter { $0 == outcome }.count }
            return Row(scope: key[0], key: key[1], week: key[2], due: outcomes.count, onTime: count(.onTime), early: count(.early),
                       late: count(.late), noShow: count(.noShow), notHandedOver: count(.notHandedOver),
                       rate: rounded(Double(count(.onTime)) / Double(outcomes.count)))
        }
        return Fulfilment(rows: rows, withoutWindow: withoutWindow, notYetDue: notYetDue)
    }
}
