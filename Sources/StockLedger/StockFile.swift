import Crypto
import Foundation
import SiteManifest
import SiteSource

/// `dropgen stock apply FILE`: a CSV file of stock changes, with the header `drop,remaining`
/// (absolute stock, like `dropgen stock set`) or `drop,sold,event_id` (sales; `event_id` may be
/// left out or empty). Columns may come in any order.
public enum StockFile {
    public static let maxBytes = 1024 * 1024
    public static let maxRows = 10_000
    static let known = ["drop", "event_id", "remaining", "sold"]

    /// The file's events, in file order, with `at` and source "apply". Every mistake is a
    /// `Diagnostic` (`file:line:column: key: message`), all thrown together as `BuildFailed`.
    /// Rows without an event_id get the id "apply:<first 16 hex of sha256(file bytes)>:<line>",
    /// so applying the same file again is a no-op.
    public static func parse(_ data: Data, path: String, at: Date) throws -> [StockEvent] {
        guard data.count <= maxBytes else {
            throw BuildFailed([Diagnostic(file: path, message: "is \(data.count) bytes; a stock file holds at most \(maxBytes)")])
        }
        var log = DiagnosticLog()
        guard let text = decodeUTF8(data, path: path, log: &log) else { throw BuildFailed(log) }
        let records: [CSVRecords.Record]
        do {
            records = try CSVRecords.parse(text, file: path, limit: maxRows + 1,
                                           tooMany: "has more than \(maxRows) rows; split it into files of at most \(maxRows)")
        } catch {
            throw BuildFailed([error])
        }
        guard let header = records.first else {
            throw BuildFailed([Diagnostic(file: path, line: 1, column: 1, key: "header",
                                          message: "the file is empty; expected the header `drop,remaining` or `drop,sold,event_id`")])
        }
        guard let columns = columns(of: header, file: path, log: &log) else { throw BuildFailed(log) }

        let fileID = SHA256.hash(data: data).prefix(8).hex
        var events: [StockEvent] = []
        var lineOfID: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == header.fields.count else {
                let last = record.fields[min(record.fields.count, header.fields.count) - 1]
                log.add(Diagnostic(file: path, line: last.line, column: last.column,
                                   message: "this row has \(record.fields.count) field\(record.fields.count == 1 ? "" : "s"); the header has \(header.fields.count)"))
                continue
            }
            func field(_ name: String) -> CSVRecords.Field? { columns[name].map { record.fields[$0] } }
            func problem(_ name: String, _ message: String) {
                let cell = field(name)!
                log.add(Diagnostic(file: path, line: cell.line, column: cell.column, key: name, message: message))
            }
            let drop = field("drop")!
            let slug = drop.text.trimmingCharacters(in: .whitespaces)
            if let message = StockEvent.slugProblem(slug) { problem("drop", message) }
            let change: StockEvent.Change?
            if columns["sold"] != nil {
                change = number(field("sold")!.text, in: StockEvent.soldRange).map(StockEvent.Change.sold)
                if change == nil { problem("sold", rangeMessage(field("sold")!.text, StockEvent.soldRange)) }
            } else {
                change = number(field("remaining")!.text, in: StockEvent.remainingRange).map(StockEvent.Change.remaining)
                if change == nil { problem("remaining", rangeMessage(field("remaining")!.text, StockEvent.remainingRange)) }
            }
            var id = "apply:\(fileID):\(record.line)"
            if let given = field("event_id")?.text.trimmingCharacters(in: .whitespaces), !given.isEmpty {
                if let message = StockEvent.idProblem(given) {
                    problem("event_id", message)
                } else if let earlier = lineOfID[given] {
                    problem("event_id", "repeats the event_id of line \(earlier)")
                } else {
                    lineOfID[given] = record.line
                }
                id = given
            }
            if let change, StockEvent.slugProblem(slug) == nil {
                events.append(StockEvent(id: id, drop: slug, change: change, at: at, source: "apply"))
            }
        }
        try log.throwIfAny()
        return events
    }

    /// The position of each column by name, or nil with the header's mistakes logged.
    private static func columns(of header: CSVRecords.Record, file: String, log: inout DiagnosticLog) -> [String: Int]? {
        var columns: [String: Int] = [:]
        let before = log.count
        for (index, field) in header.fields.enumerated() {
            let name = field.text.trimmingCharacters(in: .whitespaces)
            func problem(_ message: String) {
                log.add(Diagnostic(file: file, line: field.line, column: field.column, key: "header", message: message))
            }
            if !known.contains(name) {
                problem("unknown column \"\(LineSafe.terminalEscaped(name))\"\(Suggestion.didYouMean(name, among: known)) (known: \(known.joined(separator: ", ")))")
            } else if columns[name] != nil {
                problem("the column \"\(name)\" appears twice")
            } else {
                columns[name] = index
            }
        }
        guard log.count == before else { return nil }
        let first = header.fields[0]
        func problem(_ message: String) {
            log.add(Diagnostic(file: file, line: first.line, column: first.column, key: "header", message: message))
        }
        let expected = "expected the header `drop,remaining` or `drop,sold,event_id`"
        if columns["drop"] == nil {
            problem("has no column \"drop\"; " + expected)
        } else if (columns["sold"] == nil) == (columns["remaining"] == nil) {
            problem((columns["sold"] == nil ? "has neither \"sold\" nor \"remaining\"" : "has both \"sold\" and \"remaining\"") + "; " + expected)
        } else if columns["event_id"] != nil && columns["remaining"] != nil {
            problem("\"event_id\" goes with \"sold\", not \"remaining\"; " + expected)
        }
        return log.count == before ? columns : nil
    }

    /// A whole number written with digits only (spaces around it allowed), within `range`.
    private static func number(_ text: String, in range: ClosedRange<Int>) -> Int? {
        let digits = text.trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.utf8.count <= 9, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int(digits), range.contains(value) else { return nil }
        return value
    }

    private static func rangeMessage(_ text: String, _ range: ClosedRange<Int>) -> String {
        "expected a whole number \(range.lowerBound)...\(range.upperBound), got \"\(LineSafe.terminalEscaped(String(text.prefix(40))))\""
    }
}
