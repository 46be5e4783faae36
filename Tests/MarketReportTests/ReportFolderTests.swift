import Foundation
import Testing
@testable import MarketReport

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Counts elements while parsing; a parse error fails the test.
private final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
    }
}

@Suite struct ReportFolderTests {
    @Test func theReportIsWellFormedWithParsableChartsAndOneCSVPerTable() async throws {
        let fixture = try MarketFixture([
            "data/probes.csv": "probed_at,base_url,kind,path,sample,status,dns_ms,connect_ms,tls_ms,first_byte_ms,total_ms,bytes,cache\n"
                + "2026-11-30T10:00:00Z,http://x,hero_clip,/m.mp4,1,206,0.1,0.2,0,40.0,90.0,10,\n"
                + "2026-11-30T10:00:00Z,http://x,hero_clip,/m.mp4,2,206,0.1,0.2,0,60.0,95.0,10,\n"
                + "2026-11-30T10:00:00Z,http://x,home,/,1,0,,,,,,0,\n",
        ])
        let report = try await fixture.report()
        let folder = fixture.root.appendingPathComponent("reports/2026-12-01")
        let files = try ReportWriter.write(report, to: folder, published: [fixture.root.appendingPathComponent("public")])
        #expect(files == ["disputes.csv", "first-byte.csv", "fulfilment-events.csv", "fulfilment-locations.csv", "fulfilment-makers.csv",
                          "fulfilment-market.csv", "index.html", "repeat-purchase.csv", "report.json", "sell-through.csv"])
        let html = try Data(contentsOf: folder.appendingPathComponent("index.html"))
        let parser = XMLParser(data: html)
        let counter = ElementCounter()
        parser.delegate = counter
        #expect(parser.parse(), "index.html is not well-formed: \(String(describing: parser.parserError))")
        #expect(counter.counts["svg"] == 5 && counter.counts["script"] == nil && counter.counts["link"] == nil)
        #expect(counter.counts["table"] == 8)
        let text = String(decoding: html, as: UTF8.self)
        #expect(text.contains(BadgeLift.missingExplanation.replacingOccurrences(of: "\n", with: " ")) || text.contains("Add data/views.csv"))
        #expect(try String(contentsOf: folder.appendingPathComponent("first-byte.csv"), encoding: .utf8)
                == "probed_at,kind,requests,p50_ms,p95_ms\n2026-11-30T10:00:00Z,hero_clip,2,40,60\n")
        // The same inputs and clock give the same bytes.
        let again = try await fixture.report()
        try ReportWriter.write(again, to: folder, published: [])
        #expect(try Data(contentsOf: folder.appendingPathComponent("index.html")) == html)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("report.json"))) as? [String: Any]
        #expect((json?["inputs"] as? [String: Any])?["orders"] as? Int == 8)
        #expect(((json?["repeat_purchase"] as? [String: Any])?["definition"] as? String)?.hasPrefix("For each calendar month") == true)
    }

    @Test func refusesPublishedFoldersAndFoldersItDidNotWrite() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let public_ = root.appendingPathComponent("public")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("mine"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: root.appendingPathComponent("mine/notes.txt"))
        let built = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: built.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: built.appendingPathComponent(".dropgen/manifest.json"))
        let cases: [(URL, String)] = [
            (public_.appendingPathComponent("report"), "--out \(public_.path)/report: a report holds business data and may not be written into or around \(public_.path), which is built or published"),
            (built.appendingPathComponent("r"), "--out \(built.path)/r: a report holds business data and may not be written into \(built.path), which holds a build or a publish target (.dropgen/manifest.json)"),
            (root.appendingPathComponent("mine"), "--out \(root.path)/mine: the folder holds files dropgen did not write (no .dropgen-report); choose an empty or new folder"),
        ]
        for (folder, message) in cases {
            #expect(throws: ReportWriter.Refused(description: message)) { try ReportWriter.check(folder, published: [public_]) }
        }
    }
}
