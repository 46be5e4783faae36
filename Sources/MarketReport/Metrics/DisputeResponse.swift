import Foundation
import SiteBuilder

/// Dispute response compliance against each policy's published `dispute_response_hours`.
public struct DisputeResponse: Sendable, Codable, Equatable {
    public static let definition = """
        Disputes opened in the period. The promise is dispute_response_hours of the policy of the order's drop. In time: \
        first_response_at at most that many hours after opened_at; late: answered after it; overdue: not answered and \
        the promise has passed at the report's clock (counted as missed); pending: not answered, promise not yet passed \
        (left out). Compliance = in time ÷ (in time + late + overdue). The median is of answered disputes' hours to first \
        response (the middle value, or the mean of the two middle ones). Disputes whose drop is not in content/ or has no \
        policy have no promise: counted under policy "none", without a compliance figure.
        """

    public struct Row: Sendable, Codable, Equatable {
        /// A maker id, or "market" for every maker.
        public var maker: String
        /// A policy id, or "none".
        public var policy: String
        public var promiseHours: Int?
        public var disputes: Int
        public var inTime: Int
        public var late: Int
        public var overdue: Int
        public var pending: Int
        public var rate: Double?
        public var medianHours: Double?

        enum CodingKeys: String, CodingKey {
            case maker, policy, disputes, late, overdue, pending, rate
            case promiseHours = "promise_hours", inTime = "in_time", medianHours = "median_hours"
        }
    }

    public var rows: [Row]
    /// Disputes naming an order that is not in data/orders.csv (left out).
    public var withoutOrder: Int

    enum CodingKeys: String, CodingKey {
        case rows
        case withoutOrder = "without_order"
    }

    static func compute(data: MarketData, site: Site, period: ReportPeriod) -> DisputeResponse {
        let orders = Dictionary(data.orders.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let drops = Dictionary(site.drops.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        var withoutOrder = 0
        var groups: [[String]: [(hours: Double?, promise: Int?, waited: Double)]] = [:]
        for dispute in data.disputes where period.contains(dispute.openedAt) {
            guard let order = orders[dispute.orderID] else {
                withoutOrder += 1
                continue
            }
            let policy = drops[order.drop]?.policyID.flatMap { site.policy($0) }
            let hours = dispute.firstResponseAt.map { $0.timeIntervalSince(dispute.openedAt) / 3600 }
            let entry = (hours: hours, promise: policy?.disputeResponseHours, waited: period.now.timeIntervalSince(dispute.openedAt) / 3600)
            groups[[order.creator, policy?.id ?? "none"], default: []].append(entry)
            groups[["market", policy?.id ?? "none"], default: []].append(entry)
        }
        let rows = groups.keys.sorted { a, b in (a[0] == "market" ? 0 : 1, a[0], a[1]) < (b[0] == "market" ? 0 : 1, b[0], b[1]) }
            .map { key -> Row in
                let entries = groups[key]!
                let promise = entries.first?.promise
                var inTime = 0, late = 0, overdue = 0, pending = 0
                if let promise {
                    for entry in entries {
                        if let hours = entry.hours {
                            if hours <= Double(promise) { inTime += 1 } else { late += 1 }
                        } else if entry.waited > Double(promise) {
                            overdue += 1
                        } else {
                            pending += 1
                        }
                    }
                }
                let answered = entries.compactMap(\.hours).sorted()
                let judged = inTime + late + overdue
                return Row(maker: key[0], policy: key[1], promiseHours: promise, disputes: entries.count, inTime: inTime, late: late,
                           overdue: overdue, pending: pending, rate: promise == nil || judged == 0 ? nil : rounded(Double(inTime) / Double(judged)),
                           medianHours: median(answered).map { rounded($0, places: 10) })
            }
        return DisputeResponse(rows: rows, withoutOrder: withoutOrder)
    }

    static func median(_ sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
