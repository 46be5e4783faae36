import SiteManifest

/// A value in ledger or journal bytes that dropgen refuses, where it is: turned into a
/// `Diagnostic` naming the file and the key path (`entries["blue-mug"].remaining`).
struct InvalidLedger: Error {
    var codingPath: [any CodingKey]
    var message: String

    init(at codingPath: [any CodingKey], _ message: String) {
        self.codingPath = codingPath
        self.message = message
    }

    /// `entries["blue-mug"].remaining`, `seen[3]`: names that are identifiers joined with dots,
    /// others quoted in brackets, list positions in brackets.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else if isIdentifier(key.stringValue) {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            } else {
                text += "[\"" + LineSafe.terminalEscaped(String(key.stringValue.prefix(200))) + "\"]"
            }
        }
        return text
    }

    private static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return false }
        return text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
        }
    }
}
