import Foundation
import SiteBuilder

/// Repeat purchase rate within 60 days, market-wide and per maker, by month.
public struct RepeatPurchase: Sendable, Codable, Equatable {
    public static let windowDays = 60
    public static let definition = """
        For each calendar month (site time zone) with purchases in the period: of the distinct buyers with a purchase \
        in that month (an order not cancelled or refunded), the share who bought again (from the market, or for a \
        maker's row from that maker) strictly after one of those purchases and at most 60 days (60 × 24 h, inclusive) \
        after it, up to the report's clock. A month is "complete" once 60 days have passed since its end; until then its \
        rate can still rise. Orders placed at the same instant are one purchase.
        """

    public struct Row: Sendable, Codable, Equatable {
        /// "market" or a maker id.
        public var scope: String
        public var month: String
        public var buyers: Int
        public var repeatBuyers: Int
        public var rate: Double?
        public var complete: Bool

        enum CodingKeys: String, CodingKey {
            case scope, month, buyers, rate, complete
            case repeatBuyers = "repeat_buyers"
        }
    }

    public var rows: [Row]
    /// Makers of the site with no purchase in the period: listed, never a rate of 0.
    public var makersWithoutOrders: [String]

    enum CodingKeys: String, CodingKey {
        case rows
        case makersWithoutOrders = "makers_without_orders"
    }

    static func compute(orders: [MarketData.Order], makers: [String], period: ReportPeriod) -> RepeatPurchase {
        let counted = orders.filter { $0.counts && $0.purchasedAt <= period.now }
        let window = Double(windowDays) * 86_400
        func rows(scope: String, _ orders: [MarketData.Order]) -> [Row] {
            let byBuyer = Dictionary(grouping: orders, by: \.buyer).mapValues { $0.map(\.purchasedAt).sorted() }
            var months: [String: (buyers: Set<String>, repeaters: Set<String>, end: Date)] = [:]
            for (buyer, times) in byBuyer {
                for (index, time) in times.enumerated() where period.contains(time) {
                    let month = period.month(time)
                    var entry = months[month] ?? ([], [], period.endOfMonth(time))
                    entry.buyers.insert(buyer)
                    if times[(index + 1)...].contains(where: { $0 > time && $0.timeIntervalSince(time) <= window }) {
                        entry.repeaters.insert(buyer)
                    }
                    months[month] = entry
                }
            }
            return months.keys.sorted().map { month in
                let entry = months[month]!
                return Row(scope: scope, month: month, buyers: entry.buyers.count, repeatBuyers: entry.repeaters.count,
                           rate: entry.buyers.isEmpty ? nil : rounded(Double(entry.repeaters.count) / Double(entry.buyers.count)),
                           complete: entry.end.addingTimeInterval(window) <= period.now)
            }
        }
        var result = rows(scope: "market", counted)
        let byMaker = Dictionary(grouping: counted, by: \.creator)
        for maker in byMaker.keys.sorted() { result += rows(scope: maker, byMaker[maker]!) }
        let active = Set(result.map(\.scope))
        return RepeatPurchase(rows: result, makersWithoutOrders: makers.filter { !active.contains($0) }.sorted())
    }
}

/// Rates and shares to four decimals: the JSON stays readable and the bytes stable.
func rounded(_ value: Double, places: Double = 10_000) -> Double { (value * places).rounded() / places }
