import Foundation

/// One table of the report: shown under its chart (the chart's figures, for screen readers and
/// print) and written as `<name>.csv` with the raw values.
struct ReportTable {
    struct Cell {
        /// The CSV value: numbers as numbers (shares between 0 and 1), empty for none.
        var raw: String
        /// What the page shows: "83.3%", "—".
        var shown: String
    }

    var name: String
    var caption: String
    var columns: [String]
    var rows: [[Cell]]

    func csv() -> Data {
        var text = columns.map(Self.quoted).joined(separator: ",") + "\n"
        for row in rows { text += row.map { Self.quoted($0.raw) }.joined(separator: ",") + "\n" }
        return Data(text.utf8)
    }

    static func quoted(_ field: String) -> String {
        // A leading =, +, - or @ would be a formula in a spreadsheet: quote it behind a '.
        var field = field
        if let first = field.first, "=+@".contains(first) || (first == "-" && Double(field) == nil) { field = "'" + field }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension ReportTable.Cell {
    static func text(_ value: String) -> Self { .init(raw: value, shown: value) }
    static func int(_ value: Int) -> Self { .init(raw: String(value), shown: String(value)) }
    static func int(_ value: Int?) -> Self { value.map(int) ?? .init(raw: "", shown: "—") }
    static func share(_ value: Double?) -> Self {
        guard let value else { return .init(raw: "", shown: "—") }
        return .init(raw: number(value), shown: percent(value))
    }
    static func number(_ value: Double?, unit: String = "") -> Self {
        guard let value else { return .init(raw: "", shown: "—") }
        return .init(raw: number(value), shown: number(value) + unit)
    }
    static func flag(_ value: Bool) -> Self { .init(raw: value ? "true" : "false", shown: value ? "yes" : "no") }

    /// Up to six decimals, no trailing zeros: the same text for the same value on every machine.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
}
