// The CSV reader: anything it accepts must come back the same when written out again with
// every field quoted (RFC 4180), and every cell's place must be a real line and column.
import Foundation
@testable import SiteBuilder

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let table: CSVTable
    do {
        table = try CSVTable.parse(text, file: "data/fuzz.csv", required: [])
    } catch {
        if (error.line ?? 1) < 1 || (error.column ?? 1) < 1 { fail("error at no position: \(error)", text) }
        return 0
    }
    let lineCount = text.unicodeScalars.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    var previousLine = 1
    for row in table.rows {
        guard row.line > previousLine, row.line <= lineCount else { fail("row at line \(row.line)", text) }
        previousLine = row.line
        guard row.cells.count == Set(table.columns).count else { fail("row with \(row.cells.count) cells", text) }
        for name in table.columns {
            let cell = row[name]
            guard cell.line >= row.line, cell.line <= lineCount, cell.column >= 1 else {
                fail("cell \(name) of the row at line \(row.line) placed at \(cell.line):\(cell.column)", text)
            }
        }
    }
    // Written out again, quoted; a duplicate column keeps its last value, so only distinct
    // header names take part. A lone empty field is a blank line to the reader, so a single
    // column named "" (a header of white space) cannot be written back either.
    guard Set(table.columns).count == table.columns.count, !table.columns.isEmpty, table.columns != [""] else { return 0 }
    // By scalars: a quote followed by a combining mark is one Character, which
    // `replacingOccurrences` would not find.
    func quoted(_ field: String) -> String {
        var out = String.UnicodeScalarView([Unicode.Scalar("\"")])
        for scalar in field.unicodeScalars {
            out.append(scalar)
            if scalar == "\"" { out.append(scalar) }
        }
        out.append("\"")
        return String(out)
    }
    var written = table.columns.map(quoted).joined(separator: ",") + "\n"
    for row in table.rows { written += table.columns.map { quoted(row[$0].text) }.joined(separator: ",") + "\n" }
    let again: CSVTable
    do {
        again = try CSVTable.parse(written, file: "data/fuzz.csv", required: table.columns)
    } catch {
        fail("written out again, it is refused: \(error)\n\(written.debugDescription)", text)
    }
    guard again.columns == table.columns, again.rows.count == table.rows.count else {
        fail("written out again, it reads as \(again.columns) with \(again.rows.count) rows", text)
    }
    for (a, b) in zip(table.rows, again.rows) {
        for name in table.columns where !a[name].text.unicodeScalars.elementsEqual(b[name].text.unicodeScalars) {
            fail("column \(name) of the row at line \(a.line): \(a[name].text.debugDescription), written and read again: \(b[name].text.debugDescription)", text)
        }
    }
    return 0
}

func fail(_ what: String, _ text: String) -> Never {
    FileHandle.standardError.write(Data("CSV PROPERTY VIOLATED:\n\(what)\nin: \(text.debugDescription)\n".utf8))
    fatalError("CSV property violated")
}
