import Foundation
import SiteManifest
import Testing

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2026-12-04T18:00:00+01:00", "2026-12-04T17:00:00Z"),
        ("2026-12-04T18:00:00Z", "2026-12-04T18:00:00Z"),
        ("2024-02-29T23:30:00-05:30", "2024-03-01T05:00:00Z"),
        ("2026-12-04t18:00:00.250z", "2026-12-04T18:00:00Z"),
        // S3 listings' LastModified: milliseconds, kept when read.
        ("2026-11-29T01:30:00.999Z", "2026-11-29T01:30:00Z"),
        ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
    ])
    func rfc3339RoundTrips(text: String, utc: String) {
        #expect(RFC3339.parse(text).map(RFC3339.format) == utc)
    }

    @Test(arguments: ["2026-12-04T18:00:00", "2026-12-04", "2026-02-30T10:00:00Z", "2026-12-04T25:00:00Z", "yesterday",
                      "2026-12-04T18:00:00.Z", "2026-12-04T18:00:00+1:00", " 2026-12-04T18:00:00Z"])
    func rfc3339Refuses(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func fractionsAreKeptWhenReadAndDroppedWhenWritten() {
        #expect(RFC3339.parse("2026-11-29T01:30:00.250Z")?.timeIntervalSince1970 == 1_795_915_800.25)
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_915_800.999)) == "2026-11-29T01:30:00Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59Z")
    }

    /// Deploy records were stamped by `ISO8601DateFormatter` before this writer: the same text
    /// at every whole and fractional second tried, so old and new records read alike.
    @Test(arguments: [0.0, 1_795_915_800, 1_795_915_800.75, 951_782_400, 4_107_542_399.5, 253_402_300_799])
    func writesWhatISO8601DateFormatterWrote(seconds: Double) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let date = Date(timeIntervalSince1970: seconds)
        #expect(RFC3339.format(date) == formatter.string(from: date))
    }

    @Test func theRangeIsWhatUTCCanWrite() {
        #expect(RFC3339.parse(RFC3339.rangeText.components(separatedBy: " and ")[0])?.timeIntervalSince1970
                == Double(RFC3339.secondsRange.lowerBound))
        #expect(RFC3339.parse(RFC3339.rangeText.components(separatedBy: " and ")[1])?.timeIntervalSince1970
                == Double(RFC3339.secondsRange.upperBound))
    }
}
