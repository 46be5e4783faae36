import Foundation
import SiteManifest
import Testing
@testable import SiteBuilder

@Suite struct ValueTests {
    @Test(arguments: [
        ("24", "24.00"), ("24.5", "24.50"), ("0.99", "0.99"), ("1200", "1200.00"),
    ])
    func moneyParses(text: String, expected: String) throws {
        guard case .success(let money) = Money.parse(text) else { Issue.record("\(text) did not parse"); return }
        #expect(money.description == expected)
    }

    @Test(arguments: ["-1", "abc", "1.234", "1,50", "", "1e3", ".5"])
    func moneyRefuses(text: String) {
        if case .success = Money.parse(text) { Issue.record("\(text) parsed") }
    }

    @Test func stateTable() {
        let opens = RFC3339.parse("2026-12-04T18:00:00Z")!, closes = RFC3339.parse("2026-12-06T18:00:00Z")!
        let early = RFC3339.parse("2026-12-04T10:00:00Z")!
        func state(_ now: String, remaining: Int? = 5, override: DropState? = nil, early: Date? = nil) -> DropState {
            DropState.at(RFC3339.parse(now)!, override: override, opens: opens, closes: closes, earlyAccessOpens: early,
                         remaining: remaining, archiveAfterDays: 30)
        }
        #expect(state("2026-12-04T09:00:00Z", early: early) == .scheduled)
        #expect(state("2026-12-04T10:00:00Z", early: early) == .earlyAccess)
        #expect(state("2026-12-04T17:59:59Z") == .scheduled)
        #expect(state("2026-12-04T18:00:00Z") == .live)
        #expect(state("2026-12-05T00:00:00Z", remaining: 0) == .soldOut)
        #expect(state("2026-12-06T18:00:00Z") == .closed)
        #expect(state("2026-12-06T18:00:00Z", remaining: 0) == .soldOut)
        #expect(state("2027-01-05T18:00:00Z") == .archived)
        #expect(state("2026-12-05T00:00:00Z", override: .draft) == .draft)
    }

    @Test(arguments: [("Hand-thrown Mugs!", "hand-thrown-mugs"), ("Café  crème", "cafe-creme"), ("--", "")])
    func slugs(text: String, slug: String) {
        #expect(slugify(text) == slug)
    }

    @Test func markdownDropsRawHTMLAndDangerousLinks() {
        let html = Markdown.html("a <b onclick=x>b</b> [c](javascript:alert(1)) ~~d~~ https://example.com")
        #expect(!html.contains("onclick") && !html.contains("javascript:"))
        #expect(html.contains("<del>d</del>"))
        #expect(html.contains("<a href=\"https://example.com\">https://example.com</a>"))
    }
}

/// The byte search that page scans (asset references, consistency marks) rely on.
@Test(arguments: [
    ("a=\"/x\"", "=\"/", 0, 1..<4),
    ("=\"/", "=\"/", 0, 0..<3),
    ("== =\"/", "=\"/", 0, 3..<6),
    ("x data-price=\"3\" data-price=\"4\"", " data-price=\"", 2, 16..<29),
    ("x data-state=\"live\"", " data-price=\"", 0, nil),
    ("abc", "bc", 0, 1..<3),
    ("ab", "abc", 0, nil),
    ("=", "=\"/", 0, nil),
] as [(String, String, Int, Range<Int>?)])
func byteSearchFindsTheFirstMatchFromAPosition(_ haystack: String, _ needle: String, _ start: Int, _ expected: Range<Int>?) {
    #expect(Array(haystack.utf8).firstRange(of: Array(needle.utf8), from: start) == expected)
}

@Test(arguments: [
    ("plain text", "plain text"),
    ("Fri 4 Dec 2026, 18:00; bring cash \\ card", "Fri 4 Dec 2026\\, 18:00\\; bring cash \\\\ card"),
    ("two\nlines", "two\\nlines"),
    ("windows\r\nbreak", "windows\\nbreak"),
    ("Café, crème", "Café\\, crème"),
])
func icsTextEscapes(_ text: String, _ expected: String) {
    #expect(ICS.text(text) == expected)
}

/// Every content line of a calendar: at most 75 octets, continuation lines after a space, and
/// nothing lost; a multi-byte character is never split.
@Test(arguments: [String(repeating: "a", count: 75), String(repeating: "b", count: 76), String(repeating: "c", count: 300),
                  String(repeating: "é", count: 60), String(repeating: "x", count: 74) + "é" + String(repeating: "y", count: 80)])
func icsLinesFoldAtSeventyFiveOctets(_ summary: String) throws {
    let event = ICSEvent(uid: "u@x", start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 60), summary: summary)
    let calendar = ICS.calendar(name: "Market", events: [event], stamp: Date(timeIntervalSince1970: 0))
    #expect(calendar.hasSuffix("END:VCALENDAR\r\n"))
    let lines = calendar.dropLast(2).components(separatedBy: "\r\n")
    #expect(lines.allSatisfy { $0.utf8.count <= 75 })
    let start = try #require(lines.firstIndex { $0.hasPrefix("SUMMARY:") })
    var unfolded = lines[start]
    for line in lines[(start + 1)...] {
        guard line.hasPrefix(" ") else { break }
        unfolded += line.dropFirst()
    }
    #expect(unfolded == "SUMMARY:" + summary)
}

@Test(arguments: [
    (14, 24, "Refunds within 14 days · disputes answered within 24 h"),
    (1, 48, "Refunds within 1 day · disputes answered within 48 h"),
    (0, 72, "No refunds · disputes answered within 72 h"),
    (nil, 24, "Disputes answered within 24 h"),
] as [(Int?, Int, String)])
func policyPromiseReadsAsASentence(_ refundDays: Int?, _ hours: Int, _ expected: String) {
    let policy = Policy(id: "p", file: "content/policies/p.md", title: "P", summary: nil, refundDays: refundDays,
                        disputeResponseHours: hours, bodyHTML: "")
    #expect(policy.promise == expected)
}
