/// Text bound for a line-oriented file (`_redirects`, `_headers`, calendars) or a terminal. There
/// a line break starts a new rule, a tab or space a new field, and ESC a terminal escape
/// sequence: such characters from content are refused when it loads, and escaped again by
/// every writer.
public enum LineSafe {
    /// Control characters (C0, DEL, C1) and white space (ASCII and Unicode): what a URL or a
    /// path can never hold.
    @inline(__always)
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value <= 0x20 || value == 0x7F }
        return value <= 0x9F || scalar.properties.isWhitespace
    }

    /// A control character (C0 but tab and line breaks, DEL, C1): what no text can hold.
    @inline(__always)
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || (0x7F...0x9F).contains(value)
    }

    /// The first character of `text` that a URL or path cannot hold.
    public static func firstUnsafe(in text: String) -> Unicode.Scalar? {
        if text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) { return nil }
        return text.unicodeScalars.first(where: isUnsafe)
    }

    /// `U+0009 (a tab)`: a character named without printing it.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        let name: String? = switch scalar.value {
        case 0x00: "NUL"
        case 0x07: "BEL"
        case 0x09: "a tab"
        case 0x0A: "a line feed"
        case 0x0D: "a carriage return"
        case 0x1B: "ESC"
        case 0x20: "a space"
        case 0x7F: "DEL"
        default: nil
        }
        return "U+\(hex)" + (name.map { " (\($0))" } ?? "")
    }

    /// The message for a URL or path holding `scalar`.
    public static func unsafeMessage(_ scalar: Unicode.Scalar) -> String {
        "contains \(describe(scalar)); URLs and paths cannot hold white space or control characters"
    }

    /// A URL path for one field of a rule line: each unsafe character's UTF-8 bytes
    /// percent-encoded (`/a b/` → `/a%20b/`), so it can neither end the field nor the line.
    public static func percentEncoded(_ path: String) -> String {
        guard firstUnsafe(in: path) != nil else { return path }
        var output = ""
        for scalar in path.unicodeScalars {
            if isUnsafe(scalar) {
                for byte in String(scalar).utf8 { output += byte.percentEncoded }
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// A header value for one line: control characters and line breaks become spaces.
    public static func headerValue(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { isControl($0) || $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return value }
        return String(String.UnicodeScalarView(value.unicodeScalars.map { isControl($0) || $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }))
    }

    /// Text for a terminal: every control character shown as `\u{1B}`, so nothing from content
    /// can move the cursor, ring the bell or rewrite what was printed. With `keepingLines`, tabs
    /// and line feeds stay (text of several lines); without, they are escaped too.
    public static func terminalEscaped(_ text: String, keepingLines: Bool = false) -> String {
        func escaped(_ scalar: Unicode.Scalar) -> Bool {
            isControl(scalar) || (!keepingLines && (scalar == "\n" || scalar == "\t")) || scalar == "\r"
        }
        guard text.unicodeScalars.contains(where: escaped) else { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            if escaped(scalar) {
                output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
