import Foundation
import SiteManifest
import Testing
@testable import SiteBuilder

/// Badges from data, calendars, pickups and events: the marketplace mechanics.
@Suite struct MarketTests {
    static let header = "order_id,drop,creator,buyer,purchased_at,pickup_starts,pickup_ends,fulfilled_at,status\n"

    /// `count` orders for `creator`, of which `onTime` were handed over inside the window.
    static func orders(_ creator: String, count: Int, onTime: Int, buyer: (Int) -> String = { "buyer-\($0)" }, first: Int = 0) -> String {
        (0..<count).map { index in
            let fulfilled = index < onTime ? "2026-11-28T10:00:00+01:00" : "2026-11-29T10:00:00+01:00"
            return "o-\(creator)-\(first + index),mugs,\(creator),\(buyer(index)),2026-11-20T10:00:00+01:00,"
                + "2026-11-28T09:00:00+01:00,2026-11-28T14:00:00+01:00,\(fulfilled),fulfilled\n"
        }.joined()
    }

    static let reliable = """
        ---
        name: Reliable maker
        for: creator
        criteria: On time.
        rule: { metric: pickup_on_time_rate, window_days: 90, at_least: 0.95, min_orders: 20 }
        ---

        """

    static func site(_ files: [String: String?]) throws -> Fixture {
        try Fixture.site([
            "content/creators/jo.md": "---\nname: Jo\n---\n",
            "content/creators/kim.md": "---\nname: Kim\n---\n",
            "content/badges/reliable.md": reliable,
        ].merging(files) { _, new in new })
    }

    @Test func pickupRateBadgeUsesInclusiveThresholdAndMinimumOrders() async throws {
        let fixture = try Self.site([
            "data/orders.csv": Self.header + Self.orders("mara", count: 20, onTime: 19)
                + Self.orders("jo", count: 20, onTime: 18) + Self.orders("kim", count: 19, onTime: 19),
        ])
        try await fixture.build()
        let badge = try fixture.read("public/badges/reliable/index.html")
        #expect(badge.contains("<a href=\"/creators/mara/\">Mara</a>: 95% of 20 pickups on time, last 90 days"))
        #expect(!badge.contains("/creators/jo/"), "90% is below 95%")
        #expect(!badge.contains("/creators/kim/"), "19 pickups are fewer than min_orders 20")
        #expect(try fixture.read("public/creators/mara/index.html").contains("Reliable maker</a> 95% of 20 pickups on time, last 90 days"))
        #expect(!(try fixture.read("public/creators/jo/index.html")).contains("Reliable maker"))
    }

    @Test func badgesFollowTheBuildClock() async throws {
        let fixture = try Self.site(["data/orders.csv": Self.header + Self.orders("mara", count: 20, onTime: 20)])
        try await fixture.build(now: RFC3339.parse("2027-03-01T00:00:00Z")!)
        #expect(!(try fixture.read("public/badges/reliable/index.html")).contains("/creators/mara/"), "orders left the 90-day window")
    }

    @Test func disputeMedianAndRepeatRate() async throws {
        let orders = Self.orders("mara", count: 10, onTime: 10, buyer: { "b\($0 % 4)" })
        let disputes = """
            dispute_id,order_id,opened_at,first_response_at,resolved_at,outcome
            d1,o-mara-0,2026-11-29T10:00:00Z,2026-11-29T12:00:00Z,,refunded
            d2,o-mara-1,2026-11-29T10:00:00Z,2026-11-29T14:00:00Z,,reissued
            d3,o-mara-2,2026-11-29T10:00:00Z,2026-11-30T16:00:00Z,,rejected

            """
        let fixture = try Self.site([
            "data/orders.csv": Self.header + orders, "data/disputes.csv": disputes,
            "content/badges/quick.md": "---\nname: Quick\nfor: creator\ncriteria: Fast.\nrule: { metric: dispute_first_response_hours_median, at_most: 4, min_orders: 10 }\n---\n",
            "content/badges/loyal.md": "---\nname: Loyal\nfor: creator\ncriteria: Buyers return.\nrule: { metric: repeat_purchase_rate, window_days: 60, at_least: 1 }\n---\n",
        ])
        try await fixture.build()
        #expect(try fixture.read("public/badges/quick/index.html")
            .contains("Mara</a>: disputes answered in a median 4.0 h (3 disputes), last 90 days"))
        #expect(try fixture.read("public/badges/loyal/index.html").contains("Mara</a>: 100% of 4 buyers came back, last 60 days"))
    }

    @Test func buyersAreNamedOnlyWhenTheyOptedIn() async throws {
        let orders = ["ana", "dee", "eve"].flatMap { buyer in
            (0..<3).map { "o-\(buyer)-\($0),mugs,mara,\(buyer),2026-11-20T10:00:00+01:00,,,,fulfilled\n" }
        }.joined() + "o-cancel,mugs,mara,fay,2026-11-20T10:00:00+01:00,,,,cancelled\n"
            + (0..<2).map { "o-fay-\($0),mugs,mara,fay,2026-11-20T10:00:00+01:00,,,,fulfilled\n" }.joined()
        let fixture = try Self.site([
            "data/orders.csv": Self.header + orders,
            "data/buyers.csv": "buyer,display_name,public\nana,Ana from Plagwitz,true\ndee,Secret Dee,false\nfay,Fay Hidden,no\n",
            "content/badges/regular.md": "---\nname: Regular\nfor: buyer\ncriteria: Three purchases.\nrule: { metric: purchases, window_days: 60, at_least: 3 }\n---\n",
            "content/drops/mugs.md": Fixture.drop("early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [regular] }"),
        ])
        try await fixture.build()
        let page = try fixture.read("public/badges/regular/index.html")
        #expect(page.contains("<p>3 buyers hold this badge.</p>"))
        #expect(page.contains("<li>Ana from Plagwitz</li>"))
        #expect(page.contains("2 more are counted but not named"))
        for (path, data) in try fixture.snapshot() {
            let text = String(decoding: data, as: UTF8.self)
            for secret in ["Secret Dee", "Fay Hidden", "dee", "eve,", "fay"] where path.hasSuffix(".html") || path.hasSuffix(".json") || path.hasSuffix(".xml") || path.hasSuffix(".ics") {
                #expect(!text.contains(secret), "\(path) names \(secret)")
            }
        }
    }

    struct BadInput: CustomTestStringConvertible, Sendable {
        var name: String
        var files: [String: String]
        var expected: [String]
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "unknown metric", files: ["content/badges/reliable.md": reliable.replacingOccurrences(of: "pickup_on_time_rate", with: "pickup_ontime_rate")],
                 expected: ["content/badges/reliable.md:5:17: rule.metric: unknown metric \"pickup_ontime_rate\"; expected one of repeat_purchase_rate, pickup_on_time_rate, dispute_first_response_hours_median, purchases; did you mean `pickup_on_time_rate`?"]),
        BadInput(name: "rate above one", files: ["content/badges/reliable.md": reliable.replacingOccurrences(of: "at_least: 0.95", with: "at_least: 95")],
                 expected: ["content/badges/reliable.md:5:65: rule.at_least: is a share between 0 and 1, got 95 (write 0.3 for 30%)"]),
        BadInput(name: "two thresholds", files: ["content/badges/reliable.md": reliable.replacingOccurrences(of: "at_least: 0.95", with: "at_least: 0.9, at_most: 1")],
                 expected: ["content/badges/reliable.md:5: rule.at_least: give exactly one threshold: `at_least` or `at_most`"]),
        BadInput(name: "metric for the wrong audience", files: ["content/badges/reliable.md": reliable.replacingOccurrences(of: "pickup_on_time_rate", with: "purchases")],
                 expected: ["content/badges/reliable.md:5:17: rule.metric: `purchases` measures buyers, but this badge is for creators"]),
        BadInput(name: "missing export", files: [:],
                 expected: ["content/badges/reliable.md:5: rule.metric: `pickup_on_time_rate` is computed from data/orders.csv, which does not exist"]),
        BadInput(name: "wrong field count", files: ["data/orders.csv": header + "o-1,mugs,mara,ana,2026-11-20T10:00:00Z,,,fulfilled\n"],
                 expected: ["data/orders.csv:2: malformed CSV row: 8 fields, but the header has 9"]),
        BadInput(name: "bad time in a cell", files: ["data/orders.csv": header + "o-1,mugs,mara,ana,last tuesday,,,,fulfilled\n"],
                 expected: ["data/orders.csv:2:19: purchased_at: expected an RFC 3339 time with an offset, got \"last tuesday\""]),
        BadInput(name: "unknown status", files: ["data/orders.csv": header + "o-1,mugs,mara,ana,2026-11-20T10:00:00Z,,,,shipped\n"],
                 expected: ["data/orders.csv:2:43: status: expected one of pending, fulfilled, cancelled, refunded, no_show, got \"shipped\""]),
        BadInput(name: "unclosed quote", files: ["data/orders.csv": header + "o-1,\"mugs,mara\n"],
                 expected: ["data/orders.csv:2:5: malformed CSV: a quoted field is never closed"]),
        BadInput(name: "missing column", files: ["data/orders.csv": "order_id,drop\n"],
                 expected: ["data/orders.csv:1: missing column `creator`; the header must name order_id, drop, creator, buyer, purchased_at, pickup_starts, pickup_ends, fulfilled_at, status"]),
        BadInput(name: "claiming a computed badge", files: ["data/orders.csv": header, "content/creators/jo.md": "---\nname: Jo\nbadges: [reliable]\n---\n"],
                 expected: ["content/creators/jo.md: badges: `reliable` is computed from data and cannot be claimed; remove it here"]),
        BadInput(name: "dispute for an unknown order", files: ["data/orders.csv": header,
                 "data/disputes.csv": "dispute_id,order_id,opened_at,first_response_at,resolved_at,outcome\nd1,o-404,2026-11-29T10:00:00Z,,,open\n"],
                 expected: ["data/disputes.csv:2:4: order_id: no order `o-404` in data/orders.csv"]),
    ]

    @Test(arguments: badInputs)
    func badRulesAndDataAreLocated(_ input: BadInput) async throws {
        let fixture = try Self.site(input.files)
        let errors = try await fixture.errors()
        #expect(errors == input.expected, "got \(errors)")
    }

    @Test func calendarsParseInAStandardParser() async throws {
        let fixture = try Fixture.site([
            "content/drops/mugs.md": Fixture.drop("""
                pickup:
                  - { location: "Stall 14; by the fountain", address: "Marktplatz 1, Leipzig", starts: 2026-12-05T09:00:00+01:00, ends: 2026-12-05T14:00:00+01:00 }
                """),
            "content/events/advent.md": "---\ntitle: Advent pop-up\nlocation: Westwerk\nstarts: 2026-12-12T11:00:00+01:00\nends: 2026-12-12T18:00:00+01:00\ndrops: [mugs]\n---\nMulled juice.\n",
        ])
        try await fixture.build(now: RFC3339.parse("2026-12-01T12:00:00+01:00")!)
        let script = """
            import icalendar, sys
            for path in sys.argv[1:]:
                cal = icalendar.Calendar.from_ical(open(path, 'rb').read())
                for e in cal.walk('VEVENT'):
                    print(path.rsplit('/', 1)[-1], e['UID'], e.decoded('DTSTART').isoformat(), e.decoded('DTEND').isoformat(), str(e['SUMMARY']), str(e.get('LOCATION', '')))
            """
        let output = try runPython(script, arguments: [
            fixture.root.appendingPathComponent("public/drops.ics").path,
            fixture.root.appendingPathComponent("public/drops/mugs/drop.ics").path,
        ])
        #expect(output == """
            drops.ics drop-mugs-opens@test.example 2026-12-04T17:00:00+00:00 2026-12-04T17:30:00+00:00 Drop opens: Speckled mugs 
            drops.ics drop-mugs-pickup-1@test.example 2026-12-05T08:00:00+00:00 2026-12-05T13:00:00+00:00 Pickup: Speckled mugs Stall 14; by the fountain, Marktplatz 1, Leipzig
            drops.ics event-advent@test.example 2026-12-12T10:00:00+00:00 2026-12-12T17:00:00+00:00 Advent pop-up Westwerk
            drop.ics drop-mugs-opens@test.example 2026-12-04T17:00:00+00:00 2026-12-04T17:30:00+00:00 Drop opens: Speckled mugs 
            drop.ics drop-mugs-pickup-1@test.example 2026-12-05T08:00:00+00:00 2026-12-05T13:00:00+00:00 Pickup: Speckled mugs Stall 14; by the fountain, Marktplatz 1, Leipzig

            """)
        #expect(try fixture.read("public/drops/mugs/index.html").contains("<a href=\"/drops/mugs/drop.ics\">"))

        // Once it closed and was collected, nothing is left to put in a calendar: no file, no link.
        try await fixture.build(now: RFC3339.parse("2026-12-07T12:00:00+01:00")!, out: "later")
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("later/drops/mugs/drop.ics").path))
        #expect(try !fixture.read("later/drops/mugs/index.html").contains("drop.ics"))
        let pickups = try fixture.read("public/pickups/index.html")
        #expect(pickups.contains("<h2>Sat 5 Dec 2026</h2>"))
        #expect(pickups.contains("<strong>Stall 14; by the fountain</strong>, Marktplatz 1, Leipzig · <time datetime=\"2026-12-05T09:00:00+01:00\">Sat 5 Dec 2026, 09:00–14:00</time> · pickup for <a href=\"/drops/mugs/\">Speckled mugs</a>"))
        #expect(pickups.contains("<a href=\"/events/advent/\">Advent pop-up</a>"))
        let event = try fixture.read("public/events/advent/index.html")
        #expect(event.contains("<h1>Advent pop-up</h1>") && event.contains("href=\"/drops/mugs/\""))
        #expect(event.contains("<meta property=\"og:title\" content=\"Advent pop-up · Test Market\">"))
    }

    @Test func earlyAccessWindowShowsOnThePublicPageWithoutItsCheckout() async throws {
        let fixture = try Fixture.site([
            "content/badges/regular.md": "---\nname: Regular\nfor: buyer\ncriteria: Comes back.\nholders: [b1]\n---\n",
            "content/drops/mugs.md": Fixture.drop("early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [regular], buy_url: \"https://shop.example/early\" }"),
        ])
        try await fixture.build(now: RFC3339.parse("2026-12-04T12:00:00+01:00")!)
        let html = try fixture.read("public/drops/mugs/index.html")
        #expect(html.contains("data-state=\"early_access\""))
        #expect(html.contains("\"availability\":\"https://schema.org/PreSale\""))
        // Everyone may buy from the opening; the holders buy on their personal pages (EarlyAccessTests).
        #expect(html.contains("\"availabilityStarts\":\"2026-12-04T18:00:00+01:00\""))
        #expect(!html.contains("https://shop.example/early"))
        // The live script shows the general checkout at the opening (data-href).
        #expect(html.contains("<p data-buy hidden><a class=\"buy\" data-href=\"https://shop.example/mugs\" rel=\"nofollow\">Buy now</a></p>"))
        #expect(html.contains("for holders of <a class=\"badge\" href=\"/badges/regular/\">Regular</a>"))
        try await fixture.build(now: RFC3339.parse("2026-12-04T09:00:00+01:00")!)
        let before = try fixture.read("public/drops/mugs/index.html")
        #expect(!before.contains("class=\"buy\" href="), "nothing to buy before early access")
        #expect(before.contains("<p data-buy hidden><a class=\"buy\" data-href=\"https://shop.example/mugs\" rel=\"nofollow\">Buy now</a></p>"))
    }

    @Test func scheduleShowsCadenceSlotsWithDropsAndEmptySlots() async throws {
        let fixture = try Fixture.site(["dropgen.yaml": Fixture.config + "cadence: { weekly: friday 18:00 }\n"])
        try await fixture.build(now: RFC3339.parse("2026-12-01T12:00:00+01:00")!)
        let page = try fixture.read("public/schedule/index.html")
        #expect(page.contains("<h2><time datetime=\"2026-12-04T18:00:00+01:00\">Fri 4 Dec 2026, 18:00</time></h2>\n\n<ul class=\"cards\">\n<li class=\"card\" data-live=\"mugs\" data-state=\"scheduled\" data-remaining=\"7\" data-edition=\"24\" data-opens=\"2026-12-04T17:00:00Z\" data-closes=\"2026-12-06T17:00:00Z\">\n<a href=\"/drops/mugs/\">"))
        #expect(page.contains("<h2><time datetime=\"2026-12-11T18:00:00+01:00\">Fri 11 Dec 2026, 18:00</time></h2>\n<p>Coming soon.</p>"))
    }

    @Test func catalogsCarryWhatChannelBotsNeed() async throws {
        let fixture = try Fixture.site([
            "content/creators/jo.md": "---\nname: Jo\n---\n",
            "content/drops/candles.md": Fixture.drop(title: "Candles").replacingOccurrences(of: "creator: mara", with: "creator: jo"),
            "content/drops/mugs.md": Fixture.drop("pickup: [{ location: Stall 14, starts: 2026-12-05T09:00:00+01:00, ends: 2026-12-05T14:00:00+01:00 }]"),
        ])
        try await fixture.build()
        let catalog = try JSONSerialization.jsonObject(with: Data(try fixture.read("public/creators/mara/catalog.json").utf8)) as! [String: Any]
        let drops = catalog["drops"] as! [[String: Any]]
        #expect(drops.map { $0["slug"] as! String } == ["mugs"])
        #expect(drops[0]["share_text"] as? String == "Speckled mugs by Mara · €34.00 · 7 of 24 left · live until Sun 6 Dec 2026, 18:00 https://test.example/drops/mugs/")
        let pickup = (drops[0]["pickup"] as! [[String: Any]])[0]
        #expect(pickup["starts"] as? String == "2026-12-05T08:00:00Z" && pickup["location"] as? String == "Stall 14")
        #expect(try fixture.read("public/trust/index.html").contains("Refunds within 14 days · disputes answered within 24 h"))
    }

    func runPython(_ script: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 with icalendar failed (make test installs it)")
        return String(decoding: data, as: UTF8.self)
    }
}
