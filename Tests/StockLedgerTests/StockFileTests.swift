import Crypto
import Foundation
import SiteManifest
import SiteSource
import StockLedger
import Testing

/// `dropgen stock apply FILE`: the two headers, the ids of rows without an event_id, and every
/// mistake with its exact text, all reported together.
@Suite struct StockFileTests {
    static let at = Date(timeIntervalSince1970: 1_796_000_000)

    static func parse(_ text: String) throws -> [StockEvent] {
        try StockFile.parse(Data(text.utf8), path: "stock.csv", at: at)
    }

    static func fileID(_ text: String) -> String { String(SHA256.hash(data: Data(text.utf8)).hex.prefix(16)) }

    @Test func remainingHeader() throws {
        let text = "drop,remaining\nmug,3\nblue-cup,0\n"
        let id = Self.fileID(text)
        #expect(try Self.parse(text) == [
            StockEvent(id: "apply:\(id):2", drop: "mug", change: .remaining(3), at: Self.at, source: "apply"),
            StockEvent(id: "apply:\(id):3", drop: "blue-cup", change: .remaining(0), at: Self.at, source: "apply"),
        ])
    }

    @Test func soldHeaderWithEventIDs() throws {
        let text = "drop,sold,event_id\nmug,2,order-1001\nmug,1,\n\"blue-cup\",\"3\",\"order 1002, line 1\"\n"
        #expect(try Self.parse(text) == [
            StockEvent(id: "order-1001", drop: "mug", change: .sold(2), at: Self.at, source: "apply"),
            StockEvent(id: "apply:\(Self.fileID(text)):3", drop: "mug", change: .sold(1), at: Self.at, source: "apply"),
            StockEvent(id: "order 1002, line 1", drop: "blue-cup", change: .sold(3), at: Self.at, source: "apply"),
        ])
    }

    @Test(arguments: [
        ("columns in another order", "sold,drop\n2,mug\n", [("mug", StockEvent.Change.sold(2))]),
        ("CRLF line ends and a BOM", "\u{FEFF}drop,remaining\r\nmug,3\r\n", [("mug", .remaining(3))]),
        ("no final line end, blank lines", "drop,remaining\n\nmug,3\n\n\ncup,4", [("mug", .remaining(3)), ("cup", .remaining(4))]),
        ("spaces around values", "drop , remaining\n mug , 3 \n", [("mug", .remaining(3))]),
        ("a header only", "drop,sold,event_id\n", []),
    ])
    func accepted(_ name: String, _ text: String, _ expected: [(String, StockEvent.Change)]) throws {
        let events = try Self.parse(text)
        #expect(events.map(\.drop) == expected.map(\.0))
        #expect(events.map(\.change) == expected.map(\.1))
    }

    /// A re-applied file is a no-op: the same bytes give the same ids; other bytes other ids.
    @Test func idsOfRowsWithoutEventIDAreStable() throws {
        let text = "drop,sold\nmug,1\nmug,1\n"
        let first = try Self.parse(text).map(\.id)
        #expect(first == ["apply:\(Self.fileID(text)):2", "apply:\(Self.fileID(text)):3"])
        #expect(try StockFile.parse(Data(text.utf8), path: "elsewhere.csv", at: Date()).map(\.id) == first)
        #expect(try Self.parse(text + "cup,1\n").map(\.id).first != first.first)
        var ledger = StockLedger.empty
        #expect(ledger.apply(try Self.parse(text), opening: { _ in 5 }) == [.applied(remaining: 4), .applied(remaining: 3)])
        #expect(ledger.apply(try Self.parse(text), opening: { _ in 5 }) == [.duplicate, .duplicate])
    }

    @Test(arguments: [
        ("empty file", "", ["stock.csv:1:1: header: the file is empty; expected the header `drop,remaining` or `drop,sold,event_id`"]),
        ("unknown column", "drop,remainig\nmug,3\n",
         ["stock.csv:1:6: header: unknown column \"remainig\"; did you mean `remaining`? (known: drop, event_id, remaining, sold)"]),
        ("unknown column, nothing close", "drop,sold,price\n",
         ["stock.csv:1:11: header: unknown column \"price\" (known: drop, event_id, remaining, sold)"]),
        ("a column twice", "drop,sold,sold\n", ["stock.csv:1:11: header: the column \"sold\" appears twice"]),
        ("no drop", "remaining\n3\n", ["stock.csv:1:1: header: has no column \"drop\"; expected the header `drop,remaining` or `drop,sold,event_id`"]),
        ("neither", "drop,event_id\n", ["stock.csv:1:1: header: has neither \"sold\" nor \"remaining\"; expected the header `drop,remaining` or `drop,sold,event_id`"]),
        ("both", "drop,sold,remaining\n", ["stock.csv:1:1: header: has both \"sold\" and \"remaining\"; expected the header `drop,remaining` or `drop,sold,event_id`"]),
        ("event_id with remaining", "drop,remaining,event_id\n",
         ["stock.csv:1:1: header: \"event_id\" goes with \"sold\", not \"remaining\"; expected the header `drop,remaining` or `drop,sold,event_id`"]),
        ("bad numbers, every one reported", "drop,remaining\nmug,-1\ncup,three\nbowl,1000001\nplate,\nvase,2.5\n", [
            "stock.csv:2:5: remaining: expected a whole number 0...1000000, got \"-1\"",
            "stock.csv:3:5: remaining: expected a whole number 0...1000000, got \"three\"",
            "stock.csv:4:6: remaining: expected a whole number 0...1000000, got \"1000001\"",
            "stock.csv:5:7: remaining: expected a whole number 0...1000000, got \"\"",
            "stock.csv:6:6: remaining: expected a whole number 0...1000000, got \"2.5\"",
        ]),
        ("sold out of range", "drop,sold\nmug,0\nmug,10001\n", [
            "stock.csv:2:5: sold: expected a whole number 1...10000, got \"0\"",
            "stock.csv:3:5: sold: expected a whole number 1...10000, got \"10001\"",
        ]),
        ("bad slugs", "drop,sold\nMug,1\n,1\nmug--cup,1\n", [
            "stock.csv:2:1: drop: expected lowercase letters, digits and single dashes, got \"Mug\"",
            "stock.csv:3:1: drop: must not be empty",
            "stock.csv:4:1: drop: expected lowercase letters, digits and single dashes, got \"mug--cup\"",
        ]),
        ("a repeated event_id", "drop,sold,event_id\nmug,1,o-1\ncup,1,o-2\nmug,2,o-1\n",
         ["stock.csv:4:7: event_id: repeats the event_id of line 2"]),
        ("an event_id with a tab", "drop,sold,event_id\nmug,1,o\t1\n",
         ["stock.csv:2:7: event_id: contains U+0009 (a tab); event ids are one line of text"]),
        ("too few and too many fields", "drop,sold\nmug\nmug,1,2\n", [
            "stock.csv:2:1: this row has 1 field; the header has 2",
            "stock.csv:3:5: this row has 3 fields; the header has 2",
        ]),
        ("an unclosed quote", "drop,sold\n\"mug,1\ncup,2\n", ["stock.csv:2:1: malformed CSV: this quote is never closed"]),
        ("text after a closing quote", "drop,sold\n\"mug\"x,1\n",
         ["stock.csv:2:6: malformed CSV: text after a closing quote; a quote inside a quoted field is written \"\""]),
        ("a quote inside an unquoted field", "drop,sold\nm\"ug,1\n",
         ["stock.csv:2:2: malformed CSV: a quote inside an unquoted field; quote the whole field and write the quote as \"\""]),
        ("an escape character", "drop,sold\nmug\u{1B}[2J,1\n",
         ["stock.csv:2:4: holds the control character U+001B (ESC); only tabs and line breaks may appear in text"]),
    ])
    func refused(_ name: String, _ text: String, _ errors: [String]) {
        do {
            _ = try Self.parse(text)
            Issue.record("parsed")
        } catch let failure as BuildFailed {
            #expect(failure.diagnostics.map(\.description) == errors)
            #expect(failure.total == errors.count)
        } catch {
            Issue.record("not BuildFailed: \(error)")
        }
    }

    @Test func invalidUTF8() {
        var data = Data("drop,sold\nmug,1\n".utf8)
        data.append(0xFF)
        #expect(throws: (any Error).self) { try StockFile.parse(data, path: "stock.csv", at: Self.at) }
        do {
            _ = try StockFile.parse(data, path: "stock.csv", at: Self.at)
        } catch let failure as BuildFailed {
            #expect(failure.listing == "stock.csv:3:1: invalid UTF-8 at byte 16; save the file as UTF-8")
        } catch {
            Issue.record("not BuildFailed: \(error)")
        }
    }

    @Test func bounds() {
        let big = Data(repeating: UInt8(ascii: "a"), count: StockFile.maxBytes + 1)
        #expect(throws: (any Error).self) { try StockFile.parse(big, path: "stock.csv", at: Self.at) }
        do {
            _ = try StockFile.parse(big, path: "stock.csv", at: Self.at)
        } catch {
            #expect("\(error)" == "stock.csv: is 1048577 bytes; a stock file holds at most 1048576\n1 error; nothing was written.")
        }
        let rows = "drop,remaining\n" + String(repeating: "m,1\n", count: StockFile.maxRows)
        #expect((try? Self.parse(rows))?.count == StockFile.maxRows)
        do {
            _ = try Self.parse(rows + "m,1\n")
            Issue.record("parsed")
        } catch let failure as BuildFailed {
            #expect(failure.listing == "stock.csv:10002: has more than 10000 rows; split it into files of at most 10000")
        } catch {
            Issue.record("not BuildFailed: \(error)")
        }
    }
}
