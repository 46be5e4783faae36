import Foundation
import SiteSource

/// An RFC 4180 CSV file with a header row; every cell keeps its line and column for errors.
public struct CSVTable: Sendable {
    public struct Cell: Sendable {
        public var text: String
        public var line: Int
        public var column: Int
    }

    public struct Row: Sendable {
        public var line: Int
        public var cells: [String: Cell]

        public subscript(_ column: String) -> Cell { cells[column]! }
    }

    public var file: String
    public var columns: [String]
    public var rows: [Row]

    /// Parses `text`; fails with the first malformed line (unbalanced quote, wrong field count,
    /// missing header column).
    public static func parse(_ text: String, file: String, required: [String]) throws(Diagnostic) -> CSVTable {
        var records: [(line: Int, cells: [Cell])] = []
        var fields: [Cell] = []
        var field = ""
        var inQuotes = false
        var line = 1, column = 1
        var fieldLine = 1, fieldColumn = 1
        var recordLine = 1
        var atFieldStart = true
        var quoteLine = 1, quoteColumn = 1
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = scalars.next()

        func endField() {
            fields.append(Cell(text: field, line: fieldLine, column: fieldColumn))
            field = ""
            atFieldStart = true
        }
        while let scalar = pending {
            pending = scalars.next()
            if atFieldStart {
                fieldLine = line
                fieldColumn = column
                atFieldStart = false
            }
            if inQuotes {
                if scalar == "\"" {
                    if pending == "\"" {
                        field.unicodeScalars.append("\"")
                        pending = scalars.next()
                        column += 1
                    } else {
                        inQuotes = false
                        if let next = pending, next != ",", next != "\n", next != "\r" {
                            throw Diagnostic(file: file, line: line, column: column + 1,
                                             message: "malformed CSV: unexpected text after a closing quote")
                        }
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                    if scalar == "\n" { line += 1; column = 0 }
                }
                column += 1
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                inQuotes = true
                quoteLine = line
                quoteColumn = column
                column += 1
            case ",":
                endField()
                column += 1
            case "\r" where pending == "\n":
                column += 1
            case "\n":
                endField()
                if !(fields.count == 1 && fields[0].text.isEmpty) { records.append((recordLine, fields)) }
                fields = []
                line += 1
                column = 1
                recordLine = line
            default:
                field.unicodeScalars.append(scalar)
                column += 1
            }
        }
        if inQuotes {
            throw Diagnostic(file: file, line: quoteLine, column: quoteColumn, message: "malformed CSV: a quoted field is never closed")
        }
        if !atFieldStart || !fields.isEmpty {
            endField()
            if !(fields.count == 1 && fields[0].text.isEmpty) { records.append((recordLine, fields)) }
        }

        guard let header = records.first else {
            throw Diagnostic(file: file, line: 1, message: "is empty; expected a header row with \(required.joined(separator: ", "))")
        }
        let columns = header.cells.map { $0.text.trimmingCharacters(in: .whitespaces) }
        for name in required where !columns.contains(name) {
            throw Diagnostic(file: file, line: 1, message: "missing column `\(name)`; the header must name \(required.joined(separator: ", "))")
        }
        var rows: [Row] = []
        for record in records.dropFirst() {
            guard record.cells.count == columns.count else {
                throw Diagnostic(file: file, line: record.line,
                                 message: "malformed CSV row: \(record.cells.count) fields, but the header has \(columns.count)")
            }
            var cells: [String: Cell] = [:]
            for (name, cell) in zip(columns, record.cells) { cells[name] = cell }
            rows.append(Row(line: record.line, cells: cells))
        }
        return CSVTable(file: file, columns: columns, rows: rows)
    }
}
