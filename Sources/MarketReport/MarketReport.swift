import EdgeProbe
import Foundation
import SiteBuilder
import SiteManifest

/// `dropgen report`: the market's figures, computed from `data/` and the site, as values that
/// `ReportWriter` turns into report.json, one CSV per table and a self-contained HTML page.
public struct MarketReport: Sendable, Codable {
    public struct InputCounts: Sendable, Codable, Equatable {
        public var orders: Int
        public var ordersCounted: Int
        public var ordersCancelledOrRefunded: Int
        public var disputes: Int
        public var buyers: Int
        public var drops: Int
        public var makers: Int
        /// nil: the file does not exist.
        public var viewsRows: Int?
        public var probeRows: Int?
        /// nil: no stock ledger read (the site has no `stock.from`).
        public var ledgerRecords: Int?

        enum CodingKeys: String, CodingKey {
            case orders, disputes, buyers, drops, makers
            case ordersCounted = "orders_counted", ordersCancelledOrRefunded = "orders_cancelled_or_refunded"
            case viewsRows = "views_rows", probeRows = "probe_rows", ledgerRecords = "ledger_records"
        }
    }

    public struct Metric<Value: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
        public var definition: String
        public var value: Value
    }

    public var site: String
    public var generatedAt: String
    public var since: String?
    public var timeZone: String
    public var inputs: InputCounts
    public var repeatPurchase: Metric<RepeatPurchase>
    public var fulfilment: Metric<Fulfilment>
    public var disputeResponse: Metric<DisputeResponse>
    public var sellThrough: Metric<SellThrough>
    public var badgeLift: Metric<BadgeLift>
    public var firstByte: Metric<FirstByte>
    /// `DropgenVersion.description`, set by the caller.
    public var dropgen: String?

    enum CodingKeys: String, CodingKey {
        case site, since, inputs, fulfilment, dropgen
        case generatedAt = "generated_at", timeZone = "time_zone", repeatPurchase = "repeat_purchase"
        case disputeResponse = "dispute_response", sellThrough = "sell_through", badgeLift = "badge_lift", firstByte = "first_byte"
    }

    public static func compute(_ inputs: ReportInputs, period: ReportPeriod) -> MarketReport {
        let site = inputs.site, data = inputs.data
        let makers = site.creators.map(\.id)
        let counts = InputCounts(
            orders: data.orders.count, ordersCounted: data.orders.filter(\.counts).count,
            ordersCancelledOrRefunded: data.orders.filter { !$0.counts }.count, disputes: data.disputes.count,
            buyers: data.buyers.count, drops: site.drops.filter { $0.state != .draft }.count, makers: makers.count,
            viewsRows: inputs.views?.count, probeRows: inputs.probes?.count, ledgerRecords: inputs.ledger?.recent.count)
        return MarketReport(
            site: site.config.title, generatedAt: RFC3339.format(period.now), since: period.since.map(RFC3339.format),
            timeZone: period.timeZone.identifier, inputs: counts,
            repeatPurchase: Metric(definition: RepeatPurchase.definition,
                                   value: .compute(orders: data.orders, makers: makers, period: period)),
            fulfilment: Metric(definition: Fulfilment.definition, value: .compute(orders: data.orders, site: site, period: period)),
            disputeResponse: Metric(definition: DisputeResponse.definition, value: .compute(data: data, site: site, period: period)),
            sellThrough: Metric(definition: SellThrough.definition,
                                value: .compute(orders: data.orders, site: site, ledger: inputs.ledger, period: period)),
            badgeLift: Metric(definition: BadgeLift.definition,
                              value: .compute(views: inputs.views, orders: data.orders, site: site, period: period)),
            firstByte: Metric(definition: FirstByte.definition, value: .compute(probes: inputs.probes, period: period)))
    }

    /// report.json: sorted keys, so the same inputs and clock give the same bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(10)
        return data
    }
}
