import SiteSource

/// RFC 4180 records of a small CSV text: fields with the line and column where each starts,
/// quoted fields with `""` for a quote and line breaks inside, CRLF or LF between records. Blank
/// lines are skipped. A malformed record is a `Diagnostic` at its line and column.
struct CSVRecords {
    struct Field {
        var text: String
        var line: Int
        var column: Int
    }

    struct Record {
        /// The line the record starts on.
        var line: Int
        var fields: [Field]
    }

    /// At most `limit` records; one more is an error (`tooMany` says what to print).
    static func parse(_ text: String, file: String, limit: Int, tooMany: String) throws(Diagnostic) -> [Record] {
        var records: [Record] = []
        var fields: [Field] = []
        var field = ""
        var fieldLine = 1, fieldColumn = 1
        var line = 1, column = 1
        var inQuotes = false
        var quoted = false
        var atFieldStart = true
        var quoteLine = 1, quoteColumn = 1
        var scalars = Array(text.unicodeScalars)
        scalars.append("\n")  // the last record's end, when the text has none
        var index = 0

        func endField() {
            fields.append(Field(text: field, line: fieldLine, column: fieldColumn))
            field = ""
            quoted = false
            atFieldStart = true
        }
        func endRecord() throws(Diagnostic) {
            endField()
            let blank = fields.count == 1 && fields[0].text.isEmpty && !quoted
            if !blank {
                guard records.count < limit else { throw Diagnostic(file: file, line: fields[0].line, message: tooMany) }
                records.append(Record(line: fields[0].line, fields: fields))
            }
            fields = []
        }

        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if atFieldStart {
                fieldLine = line
                fieldColumn = column
                atFieldStart = false
            }
            if inQuotes {
                if scalar == "\"" {
                    // The appended line feed is always after it: `scalars[index]` exists.
                    if scalars[index] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                        column += 2
                        continue
                    }
                    inQuotes = false
                    column += 1
                    let next = scalars[index]
                    if next != ",", next != "\n", next != "\r" {
                        throw Diagnostic(file: file, line: line, column: column, message: "malformed CSV: text after a closing quote; a quote inside a quoted field is written \"\"")
                    }
                    continue
                }
                if index == scalars.count {
                    throw Diagnostic(file: file, line: quoteLine, column: quoteColumn, message: "malformed CSV: this quote is never closed")
                }
                field.unicodeScalars.append(scalar)
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !quoted:
                inQuotes = true
                quoted = true
                quoteLine = line
                quoteColumn = column
                column += 1
            case "\"":
                throw Diagnostic(file: file, line: line, column: column, message: "malformed CSV: a quote inside an unquoted field; quote the whole field and write the quote as \"\"")
            case ",":
                endField()
                column += 1
            case "\r" where index < scalars.count && scalars[index] == "\n":
                index += 1
                try endRecord()
                line += 1
                column = 1
            case "\n", "\r":
                try endRecord()
                line += 1
                column = 1
            default:
                field.unicodeScalars.append(scalar)
                column += 1
            }
        }
        return records
    }
}
