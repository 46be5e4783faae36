import Foundation
import SiteManifest
import Testing
@testable import MarketReport

/// A small market written into a temporary folder, with orders whose answers are worked out by hand.
final class MarketFixture: Sendable {
    let root: URL

    deinit { try? FileManager.default.removeItem(at: root) }

    static let now = RFC3339.parse("2026-12-01T00:00:00Z")!

    static let orders = """
        order_id,drop,creator,buyer,purchased_at,pickup_starts,pickup_ends,fulfilled_at,status
        o1,mugs,mara,b1,2026-09-01T10:00:00Z,2026-09-12T09:00:00Z,2026-09-12T14:00:00Z,2026-09-12T10:00:00Z,fulfilled
        o2,mugs,mara,b1,2026-10-31T10:00:00Z,,,,fulfilled
        o3,mugs,mara,b2,2026-09-01T12:00:00Z,2026-09-12T09:00:00Z,2026-09-12T14:00:00Z,2026-09-12T15:00:00Z,fulfilled
        o4,mugs,mara,b3,2026-09-02T12:00:00Z,2026-09-12T09:00:00Z,2026-09-12T14:00:00Z,,no_show
        o5,bowls,ivo,b2,2026-09-02T13:00:00Z,2026-09-05T09:00:00Z,2026-09-05T14:00:00Z,2026-09-05T09:30:00Z,fulfilled
        o6,bowls,ivo,b4,2026-09-03T00:00:00Z,2026-09-05T09:00:00Z,2026-09-05T14:00:00Z,,cancelled
        o8,bowls,ivo,b5,2026-09-03T10:00:00Z,2026-09-05T09:00:00Z,2026-09-05T14:00:00Z,2026-09-05T10:00:00Z,fulfilled
        o9,bowls,ivo,b5,2026-11-02T10:00:01Z,,,,fulfilled

        """

    static let disputes = """
        dispute_id,order_id,opened_at,first_response_at,resolved_at,outcome
        d1,o1,2026-09-13T10:00:00Z,2026-09-13T20:00:00Z,,refunded
        d2,o3,2026-09-13T10:00:00Z,2026-09-15T10:00:00Z,,rejected
        d3,o4,2026-11-29T00:00:00Z,,,
        d4,o5,2026-09-06T10:00:00Z,,,
        d5,o1,2026-11-30T12:00:00Z,,,

        """

    static func drop(_ creator: String, edition: Int, opens: String, closes: String, extra: String) -> String {
        """
        ---
        title: A drop
        creator: \(creator)
        price: 30
        edition: \(edition)
        opens: \(opens)
        closes: \(closes)
        \(extra)
        ---
        Made by hand.

        """
    }

    init(_ extra: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-report-\(UUID().uuidString)")
        var files = [
            "dropgen.yaml": "title: Test Market\nbase_url: https://test.example\ntimezone: UTC\n",
            "content/creators/mara.md": "---\nname: Mara\n---\nMugs.\n",
            "content/creators/ivo.md": "---\nname: Ivo\n---\nBowls.\n",
            "content/creators/lone.md": "---\nname: Lone\n---\nNothing sold yet.\n",
            "content/policies/standard.md": "---\ntitle: Standard\ndispute_response_hours: 24\n---\nAnswered within a day.\n",
            "content/badges/local.md": "---\nname: Local\nfor: creator\ncriteria: Makes it here.\nholders: [mara]\n---\nLocal.\n",
            "content/events/popup.md": """
                ---
                title: Pop-up
                location: Hall
                starts: 2026-09-12T08:00:00Z
                ends: 2026-09-12T18:00:00Z
                drops: [mugs]
                ---
                A pop-up.

                """,
            "content/drops/mugs.md": Self.drop("mara", edition: 3, opens: "2026-09-01T10:00:00Z", closes: "2026-09-10T10:00:00Z", extra: """
                policy: standard
                pickup: [{ location: "Stall 14", starts: 2026-09-12T09:00:00Z, ends: 2026-09-12T14:00:00Z }]
                """),
            "content/drops/bowls.md": Self.drop("ivo", edition: 4, opens: "2026-09-02T10:00:00Z", closes: "2026-09-04T10:00:00Z", extra: ""),
            "data/orders.csv": Self.orders,
            "data/disputes.csv": Self.disputes,
        ]
        for (path, contents) in extra { files[path] = contents }
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
    }

    func report(since: Date? = nil) async throws -> MarketReport {
        let inputs = try await ReportInputs.load(root: root, now: Self.now, ledger: nil)
        return MarketReport.compute(inputs, period: ReportPeriod(since: since, now: Self.now, timeZone: TimeZone(identifier: "UTC")!))
    }
}

@Suite struct MetricTests {
    @Test func repeatPurchaseCountsTheSixtyDayEdgeAndNotASecondPastIt() async throws {
        let report = try await MarketFixture().report()
        let rows = report.repeatPurchase.value.rows.map { "\($0.scope) \($0.month) \($0.repeatBuyers)/\($0.buyers) \($0.complete)" }
        // b1 came back exactly 60 days later (counted), b5 60 days and a second later (not); b2
        // came back to the market (ivo) but not to mara.
        #expect(rows == [
            "market 2026-09 2/4 true", "market 2026-10 0/1 false", "market 2026-11 0/1 false",
            "ivo 2026-09 0/2 true", "ivo 2026-11 0/1 false",
            "mara 2026-09 1/3 true", "mara 2026-10 0/1 false",
        ])
        #expect(report.repeatPurchase.value.makersWithoutOrders == ["lone"])
    }

    @Test func fulfilmentLeavesOutOrdersWithoutAWindowAndCountsLateAndNoShows() async throws {
        let value = try await MarketFixture().report().fulfilment.value
        #expect(value.withoutWindow == 2 && value.notYetDue == 0)
        let rows = value.rows.filter { $0.week == "all" }.map {
            "\($0.scope):\($0.key) due \($0.due) on time \($0.onTime) late \($0.late) no-show \($0.noShow) \($0.rate.map { String($0) } ?? "-")"
        }
        #expect(rows == [
            "market: due 5 on time 3 late 1 no-show 1 0.6",
            "maker:ivo due 2 on time 2 late 0 no-show 0 1.0",
            "maker:mara due 3 on time 1 late 1 no-show 1 0.3333",
            "location:Stall 14 due 3 on time 1 late 1 no-show 1 0.3333",
            "location:unlisted due 2 on time 2 late 0 no-show 0 1.0",
            "event:popup due 3 on time 1 late 1 no-show 1 0.3333",
        ])
        #expect(value.rows.filter { $0.scope == "market" }.map(\.week) == ["2026-W36", "2026-W37", "all"])
    }

    @Test func disputesNeverAnsweredAreMissedOnceThePromiseHasPassed() async throws {
        let rows = try await MarketFixture().report().disputeResponse.value.rows.map {
            "\($0.maker)/\($0.policy) \($0.disputes): in time \($0.inTime) late \($0.late) overdue \($0.overdue) pending \($0.pending) "
                + "rate \($0.rate.map { String($0) } ?? "-") median \($0.medianHours.map { String($0) } ?? "-")"
        }
        #expect(rows == [
            "market/none 1: in time 0 late 0 overdue 0 pending 0 rate - median -",
            "market/standard 4: in time 1 late 1 overdue 1 pending 1 rate 0.3333 median 29.0",
            "ivo/none 1: in time 0 late 0 overdue 0 pending 0 rate - median -",
            "mara/standard 4: in time 1 late 1 overdue 1 pending 1 rate 0.3333 median 29.0",
        ])
    }

    @Test func sellThroughFromOrdersAndTheDropsThatDidNotSellThrough() async throws {
        let value = try await MarketFixture().report().sellThrough.value
        let rows = value.rows.map { "\($0.drop) \($0.sold)/\($0.edition) \($0.sellThrough) \($0.soldOutAt ?? "-") \($0.hoursToSellOut.map { String($0) } ?? "-")" }
        #expect(rows == ["bowls 3/4 0.75 - -", "mugs 4/3 1.0 2026-09-02T12:00:00Z 26.0"])
        #expect(value.fastest == ["mugs"] && value.notSoldThrough == ["bowls"])
    }

    @Test func badgeLiftExplainsAMissingViewsFileAndRefusesSmallSamples() async throws {
        let without = try await MarketFixture().report().badgeLift.value
        #expect(!without.available && without.explanation == BadgeLift.missingExplanation)
        let small = try await MarketFixture(["data/views.csv": "drop,date,views\nmugs,2026-09-01,40\nbowls,2026-09-02,300\n"])
            .report().badgeLift.value
        #expect(small.rows.map { "\($0.badge) \($0.withBadge.views)/\($0.withBadge.orders) \($0.without.views)/\($0.without.orders) \($0.status)" }
                == ["local 40/4 300/3 not enough data"])
        #expect(small.rows[0].lift == nil)
    }

    /// Newcombe (1998), Statistics in Medicine 17: Wilson for 81/263 and method 10 for 56/70 − 48/80.
    @Test func intervalsMatchPublishedValues() {
        let wilson = Interval.wilson(successes: 81, trials: 263)
        #expect(abs(wilson.low - 0.2553) < 0.0001 && abs(wilson.high - 0.3662) < 0.0001)
        let difference = Interval.newcombe(successes1: 56, trials1: 70, successes2: 48, trials2: 80)
        #expect(abs(difference.estimate - 0.2) < 1e-9)
        #expect(abs(difference.low - 0.0524) < 0.0001 && abs(difference.high - 0.3339) < 0.0001)
    }

    @Test func badViewsRowsAreReportedInTheDialect() async throws {
        let fixture = try MarketFixture(["data/views.csv": "drop,date,views\nmugs,2026-9-1,many\n"])
        await #expect(throws: (any Error).self) { _ = try await fixture.report() }
        do { _ = try await fixture.report() } catch {
            #expect("\(error)".contains("data/views.csv:2:6: date: expected a day such as 2026-12-04, got \"2026-9-1\""))
            #expect("\(error)".contains("data/views.csv:2:15: views: expected a whole number 0...1000000000, got \"many\""))
        }
    }
}
