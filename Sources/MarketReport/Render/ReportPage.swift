import Foundation

/// The report's sections: each a heading, the metric's definition, its chart and its tables.
struct ReportSection {
    var id: String
    var title: String
    var definition: String
    var notes: [String]
    var chart: String?
    var tables: [ReportTable]
}

extension MarketReport {
    typealias Cell = ReportTable.Cell

    func sections() -> [ReportSection] {
        [repeatSection(), fulfilmentSection(), disputeSection(), sellThroughSection(), badgeSection(), firstByteSection()]
    }

    private func repeatSection() -> ReportSection {
        let value = repeatPurchase.value
        let months = Set(value.rows.map(\.month)).sorted()
        let scopes = ["market"] + Set(value.rows.map(\.scope)).subtracting(["market"]).sorted()
        let series = scopes.map { scope in
            SVGChart.Series(name: scope == "market" ? "whole market" : scope, values: months.map { month in
                value.rows.first { $0.scope == scope && $0.month == month }?.rate.map { $0 * 100 }
            })
        }
        let chart = months.isEmpty ? nil : SVGChart.line(
            id: "repeat", title: "Repeat purchase rate within 60 days, by month", xLabel: "month of purchase",
            yLabel: "buyers who bought again (%)", xLabels: months, series: series, yMax: 100, format: { "\(Int($0))%" })
        let table = ReportTable(
            name: "repeat-purchase", caption: "Repeat purchase rate within 60 days by month (buyers behind each figure)",
            columns: ["scope", "month", "buyers", "repeat_buyers", "rate", "complete"],
            rows: value.rows.map { [.text($0.scope), .text($0.month), .int($0.buyers), .int($0.repeatBuyers), .share($0.rate), .flag($0.complete)] })
        var notes: [String] = []
        if !value.makersWithoutOrders.isEmpty {
            notes.append("Makers with no purchases in the period: \(value.makersWithoutOrders.joined(separator: ", ")).")
        }
        return ReportSection(id: "repeat", title: "Repeat purchase rate within 60 days", definition: repeatPurchase.definition,
                             notes: notes, chart: chart, tables: [table])
    }

    private func fulfilmentSection() -> ReportSection {
        let value = fulfilment.value
        let weekly = value.rows.filter { $0.week != "all" && ($0.scope == "market" || $0.scope == "maker") }
        let weeks = Set(weekly.map(\.week)).sorted()
        let keys = [("market", "")] + Set(weekly.filter { $0.scope == "maker" }.map(\.key)).sorted().map { ("maker", $0) }
        let series = keys.map { scope, key in
            SVGChart.Series(name: scope == "market" ? "whole market" : key, values: weeks.map { week in
                weekly.first { $0.scope == scope && $0.key == key && $0.week == week }?.rate.map { $0 * 100 }
            })
        }
        let chart = weeks.isEmpty ? nil : SVGChart.line(
            id: "fulfilment", title: "Pickups handed over inside their window, by week", xLabel: "ISO week of the pickup window",
            yLabel: "on time (%)", xLabels: weeks, series: series, yMax: 100, format: { "\(Int($0))%" })
        func table(_ scope: String, _ name: String, _ caption: String) -> ReportTable {
            ReportTable(name: name, caption: caption,
                        columns: ["scope", "key", "week", "due", "on_time", "early", "late", "no_show", "not_handed_over", "rate"],
                        rows: value.rows.filter { $0.scope == scope }.map {
                            [.text($0.scope), .text($0.key), .text($0.week), .int($0.due), .int($0.onTime), .int($0.early), .int($0.late),
                             .int($0.noShow), .int($0.notHandedOver), .share($0.rate)]
                        })
        }
        let tables = [table("market", "fulfilment-market", "Whole market, by week"), table("maker", "fulfilment-makers", "Per maker, by week"),
                      table("location", "fulfilment-locations", "Per pickup location, by week"),
                      table("event", "fulfilment-events", "Per pop-up event, by week")]
        let notes = ["\(value.withoutWindow) orders without a pickup window and \(value.notYetDue) whose window has not ended are left out."]
        return ReportSection(id: "fulfilment", title: "Fulfilment-window compliance", definition: fulfilment.definition, notes: notes,
                             chart: chart, tables: tables.filter { !$0.rows.isEmpty || $0.name == "fulfilment-market" })
    }

    private func disputeSection() -> ReportSection {
        let value = disputeResponse.value
        let judged = value.rows.filter { $0.maker != "market" && $0.rate != nil }
        let chart = judged.isEmpty ? nil : SVGChart.bars(
            id: "disputes", title: "Disputes answered within the policy's promise", xLabel: "answered in time (%)",
            bars: judged.map { .init(label: "\($0.maker) · \($0.policy)", value: ($0.rate ?? 0) * 100) },
            xMax: 100, format: { "\(Int($0.rounded()))%" })
        let table = ReportTable(
            name: "disputes", caption: "Dispute response compliance per maker and policy",
            columns: ["maker", "policy", "promise_hours", "disputes", "in_time", "late", "overdue", "pending", "rate", "median_hours"],
            rows: value.rows.map {
                [.text($0.maker), .text($0.policy), .int($0.promiseHours), .int($0.disputes), .int($0.inTime), .int($0.late), .int($0.overdue),
                 .int($0.pending), .share($0.rate), .number($0.medianHours, unit: " h")]
            })
        var notes: [String] = []
        if value.withoutOrder > 0 { notes.append("\(value.withoutOrder) disputes name an order not in data/orders.csv and are left out.") }
        return ReportSection(id: "disputes", title: "Dispute response compliance", definition: disputeResponse.definition, notes: notes,
                             chart: chart, tables: [table])
    }

    private func sellThroughSection() -> ReportSection {
        let value = sellThrough.value
        let chart = value.rows.isEmpty ? nil : SVGChart.bars(
            id: "sell-through", title: "Sell-through per drop", xLabel: "units sold of the edition (%)",
            bars: value.rows.map { .init(label: $0.drop, value: $0.sellThrough * 100) }, xMax: 100, format: { "\(Int($0.rounded()))%" })
        let table = ReportTable(
            name: "sell-through", caption: "Sell-through and time to sell out per drop",
            columns: ["drop", "maker", "edition", "sold", "sell_through", "opened", "sold_out_at", "hours_to_sell_out", "source", "closed"],
            rows: value.rows.map {
                [.text($0.drop), .text($0.maker), .int($0.edition), .int($0.sold), .share($0.sellThrough), .text($0.opened),
                 $0.soldOutAt.map(Cell.text) ?? .init(raw: "", shown: "—"), .number($0.hoursToSellOut, unit: " h"), .text($0.source),
                 .flag($0.closed)]
            })
        var notes = ["Sold out fastest: \(value.fastest.isEmpty ? "none sold out" : value.fastest.joined(separator: ", "))."]
        notes.append("Closed with units left: \(value.notSoldThrough.isEmpty ? "none" : value.notSoldThrough.joined(separator: ", ")).")
        if value.ordersForUnknownDrops > 0 {
            notes.append("\(value.ordersForUnknownDrops) orders are for drops not in content/ and are left out.")
        }
        return ReportSection(id: "sell-through", title: "Sell-through and speed", definition: sellThrough.definition, notes: notes,
                             chart: chart, tables: [table])
    }

    private func badgeSection() -> ReportSection {
        let value = badgeLift.value
        guard value.available else {
            return ReportSection(id: "badge-lift", title: "Badge conversion lift", definition: badgeLift.definition,
                                 notes: [value.explanation ?? ""], chart: nil, tables: [])
        }
        var bars: [SVGChart.Bar] = []
        for row in value.rows where row.status == "ok" {
            for (name, group) in [("with", row.withBadge), ("without", row.without)] {
                bars.append(.init(label: "\(row.badge) · \(name)", value: (group.conversion ?? 0) * 100,
                                  low: group.low.map { $0 * 100 }, high: group.high.map { $0 * 100 }))
            }
        }
        let chart = bars.isEmpty ? nil : SVGChart.bars(
            id: "badge-lift", title: "Conversion with and without each badge",
            xLabel: "orders per 100 views (%), with the 95% Wilson interval", bars: bars, format: { String(format: "%.2f%%", $0) })
        var rows: [[Cell]] = []
        for row in value.rows {
            for (name, group) in [("with", row.withBadge), ("without", row.without)] {
                rows.append([.text(row.badge), .text(name), .int(group.drops), .int(group.views), .int(group.orders),
                             .share(group.conversion), .share(group.low), .share(group.high), .share(row.lift), .share(row.liftLow),
                             .share(row.liftHigh), .text(row.status)])
            }
        }
        let table = ReportTable(
            name: "badge-lift", caption: "Conversion per badge and group; lift = with − without (Newcombe 95% interval)",
            columns: ["badge", "group", "drops", "views", "orders", "conversion", "low", "high", "lift", "lift_low", "lift_high", "status"],
            rows: rows)
        var notes: [String] = []
        if value.viewsOfUnknownDrops > 0 { notes.append("\(value.viewsOfUnknownDrops) rows of views.csv name unknown drops and are left out.") }
        return ReportSection(id: "badge-lift", title: "Badge conversion lift", definition: badgeLift.definition, notes: notes,
                             chart: chart, tables: [table])
    }

    private func firstByteSection() -> ReportSection {
        let value = firstByte.value
        guard value.available else {
            return ReportSection(id: "first-byte", title: "First-byte time", definition: firstByte.definition,
                                 notes: [value.explanation ?? ""], chart: nil, tables: [])
        }
        let runs = Set(value.rows.map(\.probedAt)).sorted()
        let kinds = Set(value.rows.map(\.kind)).sorted()
        let series = kinds.map { kind in
            SVGChart.Series(name: "\(kind) p95", values: runs.map { run in value.rows.first { $0.probedAt == run && $0.kind == kind }?.p95Ms })
        }
        let chart = runs.isEmpty ? nil : SVGChart.line(
            id: "first-byte", title: "First-byte time p95 per kind, by probe run", xLabel: "probe run (UTC)", yLabel: "first byte p95 (ms)",
            xLabels: runs.map { String($0.prefix(16)).replacingOccurrences(of: "T", with: " ") }, series: series,
            format: { Cell.number($0) })
        let table = ReportTable(
            name: "first-byte", caption: "First-byte time per probe run and kind",
            columns: ["probed_at", "kind", "requests", "p50_ms", "p95_ms"],
            rows: value.rows.map { [.text($0.probedAt), .text($0.kind), .int($0.requests), .number($0.p50Ms, unit: " ms"), .number($0.p95Ms, unit: " ms")] })
        return ReportSection(id: "first-byte", title: "First-byte time", definition: firstByte.definition, notes: [], chart: chart, tables: [table])
    }

    /// The whole page: one file, inline CSS, inline SVG, nothing fetched. Written as XHTML-clean
    /// HTML (every element closed), so any XML parser reads it.
    func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(HTMLText.escape(site)): market report \(HTMLText.escape(String(generatedAt.prefix(10))))</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;padding:1rem;max-width:52rem;line-height:1.45;color:#111;background:#fff}
            h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.5rem;border-top:1px solid #ccc;padding-top:1rem}
            svg{width:100%;height:auto;display:block;margin:1rem 0}svg text{fill:#111}
            .scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1.5rem}
            th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;white-space:nowrap}td.n{text-align:right}
            caption{text-align:left;font-weight:bold;padding:.25rem 0}.definition{font-size:.9rem;color:#333}
            @media print{body{max-width:none}h2{break-before:auto}svg,table{break-inside:avoid}.scroll{overflow:visible}}
            </style></head><body>
            <h1>\(HTMLText.escape(site)): market report</h1>

            """
        page += "<p>At \(HTMLText.escape(generatedAt))"
        page += since.map { ", from \(HTMLText.escape($0))" } ?? ", all records"
        page += "; months and weeks in \(HTMLText.escape(timeZone)). This report holds business data: it is never published.</p>\n"
        page += "<p>Inputs: \(inputs.orders) orders (\(inputs.ordersCounted) counted, \(inputs.ordersCancelledOrRefunded) cancelled or refunded), "
        page += "\(inputs.disputes) disputes, \(inputs.buyers) buyers, \(inputs.drops) drops, \(inputs.makers) makers"
        page += inputs.viewsRows.map { ", \($0) rows of views" } ?? ", no views.csv"
        page += inputs.probeRows.map { ", \($0) probe requests" } ?? ", no probes.csv"
        page += inputs.ledgerRecords.map { ", \($0) stock ledger records" } ?? ""
        page += ".</p>\n<nav><ul>"
        let sections = sections()
        for section in sections { page += "<li><a href=\"#\(section.id)\">\(HTMLText.escape(section.title))</a></li>" }
        page += "</ul></nav>\n"
        for section in sections {
            page += "<section id=\"\(section.id)\"><h2>\(HTMLText.escape(section.title))</h2>\n"
            page += "<p class=\"definition\">\(HTMLText.escape(section.definition))</p>\n"
            for note in section.notes { page += "<p>\(HTMLText.escape(note))</p>\n" }
            if let chart = section.chart { page += chart + "\n" }
            for table in section.tables { page += tableHTML(table) }
            page += "</section>\n"
        }
        return page + "</body></html>\n"
    }

    private func tableHTML(_ table: ReportTable) -> String {
        var html = "<div class=\"scroll\"><table><caption>\(HTMLText.escape(table.caption))</caption><thead><tr>"
        for column in table.columns { html += "<th scope=\"col\">\(HTMLText.escape(column.replacingOccurrences(of: "_", with: " ")))</th>" }
        html += "</tr></thead><tbody>"
        if table.rows.isEmpty { html += "<tr><td colspan=\"\(table.columns.count)\">no records in the period</td></tr>" }
        for row in table.rows {
            html += "<tr>"
            for cell in row {
                let numeric = Double(cell.raw) != nil
                html += numeric ? "<td class=\"n\">" : "<td>"
                html += HTMLText.escape(cell.shown) + "</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>\n"
    }

    /// Every table, once, for its CSV file.
    func tables() -> [ReportTable] { sections().flatMap(\.tables) }
}
