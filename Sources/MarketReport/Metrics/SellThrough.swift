import Foundation
import SiteManifest
import SiteBuilder
import StockLedger

/// Sell-through and speed per drop, from orders and, when the site reads one, the stock ledger.
public struct SellThrough: Sendable, Codable, Equatable {
    public static let definition = """
        Drops in content/ with an edition that opened in the period (drafts left out). Units sold: the drop's orders not \
        cancelled or refunded and purchased from its first opening on (each row of orders.csv is one unit: the export \
        has no quantity; earlier orders under the slug are an earlier edition's), or edition minus the \
        stock ledger's remaining when that is more. Sell-through = min(sold, edition) ÷ edition. Sold out at: the time of \
        the ledger's first record that left the drop at 0, else the purchase time of the order that reached the edition. \
        Time to sell out is measured from the drop's first opening (early access when it has one). Not sold through: \
        drops that have closed with units left.
        """

    public struct Row: Sendable, Codable, Equatable {
        public var drop: String
        public var maker: String
        public var edition: Int
        public var sold: Int
        public var sellThrough: Double
        public var opened: String
        public var soldOutAt: String?
        public var hoursToSellOut: Double?
        /// "ledger", "orders" or "" (not sold out).
        public var source: String
        public var closed: Bool

        enum CodingKeys: String, CodingKey {
            case drop, maker, edition, sold, opened, source, closed
            case sellThrough = "sell_through", soldOutAt = "sold_out_at", hoursToSellOut = "hours_to_sell_out"
        }
    }

    public var rows: [Row]
    /// Sold-out drops, fastest first (at most 5).
    public var fastest: [String]
    /// Closed drops with units left.
    public var notSoldThrough: [String]
    /// Orders for slugs that are not drops in content/ (left out).
    public var ordersForUnknownDrops: Int

    enum CodingKeys: String, CodingKey {
        case rows, fastest
        case notSoldThrough = "not_sold_through", ordersForUnknownDrops = "orders_for_unknown_drops"
    }

    static func compute(orders: [MarketData.Order], site: Site, ledger: StockLedger?, period: ReportPeriod) -> SellThrough {
        let counted = orders.filter { $0.counts && $0.purchasedAt <= period.now }
        let byDrop = Dictionary(grouping: counted, by: \.drop)
        let slugs = Set(site.drops.map(\.slug))
        var rows: [Row] = []
        for drop in site.drops where drop.state != .draft {
            guard let edition = drop.edition, edition > 0, let opens = drop.opens else { continue }
            let opened = min(drop.earlyAccess?.opens ?? opens, opens)
            guard period.contains(opened) else { continue }
            // Orders before the opening belong to an earlier edition under the same slug.
            let sales = (byDrop[drop.slug] ?? []).filter { $0.purchasedAt >= opened }.sorted { ($0.purchasedAt, $0.id) < ($1.purchasedAt, $1.id) }
            var sold = sales.count
            if let entry = ledger?.entry(for: drop.slug) { sold = max(sold, edition - entry.remaining) }
            var soldOut: Date?, source = ""
            if let record = ledger?.recent.first(where: { $0.event.drop == drop.slug && $0.remaining == 0 }) {
                soldOut = record.event.at
                source = "ledger"
            } else if sales.count >= edition {
                soldOut = sales[edition - 1].purchasedAt
                source = "orders"
            }
            rows.append(Row(drop: drop.slug, maker: drop.creatorID, edition: edition, sold: sold,
                            sellThrough: rounded(Double(min(sold, edition)) / Double(edition)), opened: RFC3339.format(opened),
                            soldOutAt: soldOut.map(RFC3339.format),
                            hoursToSellOut: soldOut.map { rounded(max(0, $0.timeIntervalSince(opened)) / 3600, places: 10) },
                            source: source, closed: drop.closes.map { $0 <= period.now } ?? false))
        }
        rows.sort { $0.drop < $1.drop }
        let fastest = rows.filter { $0.hoursToSellOut != nil }
            .sorted { ($0.hoursToSellOut!, $0.drop) < ($1.hoursToSellOut!, $1.drop) }.prefix(5).map(\.drop)
        let notSoldThrough = rows.filter { $0.closed && $0.sold < $0.edition }.map(\.drop)
        let unknown = counted.filter { period.contains($0.purchasedAt) && !slugs.contains($0.drop) }.count
        return SellThrough(rows: rows, fastest: fastest, notSoldThrough: notSoldThrough, ordersForUnknownDrops: unknown)
    }
}
