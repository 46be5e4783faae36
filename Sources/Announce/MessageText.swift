import Foundation
import SiteManifest

/// Text rules shared by the channels: lengths as Discord and Telegram count them (UTF-16 code
/// units), clean cuts, and the escaping each one needs.
enum MessageText {
    static func length(_ text: String) -> Int { text.utf16.count }

    /// `text` cut to at most `limit` UTF-16 units on a character boundary, ending in "…" when cut.
    static func clipped(_ text: String, to limit: Int) -> String {
        guard length(text) > limit else { return text }
        guard limit > 1 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let size = String(character).utf16.count
            if used + size > limit - 1 { break }
            result.append(character)
            used += size
        }
        return result + "…"
    }

    /// One line: line breaks and control characters become spaces.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\n" || $0 == "\r" || $0 == "\t" || LineSafe.isControl($0) ? " " : $0 }))
    }

    /// Discord markdown: every character that could start formatting, a link, a mention, a
    /// heading or a list is backslash-escaped (a backslash before any ASCII punctuation shows
    /// the character itself), and `@` is followed by a zero-width space so no text can ping.
    static func discordEscaped(_ text: String) -> String {
        var out = ""
        for scalar in oneLine(text).unicodeScalars {
            switch scalar {
            case "\\", "*", "_", "~", "`", "|", ">", "<", "#", "-", "[", "]", "(", ")", ":", "!", "+", ".", "=":
                out.append("\\")
                out.unicodeScalars.append(scalar)
            case "@":
                out.append("@\u{200B}")
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The text Telegram shows of an HTML-formatted message: tags removed, entities decoded.
    /// Its length is what Telegram's limits count ("characters after entities parsing").
    static func telegramVisible(_ html: String) -> String {
        var out = ""
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<", let close = html[index...].firstIndex(of: ">") {
                index = html.index(after: close)
                continue
            }
            if character == "&", let semicolon = html[index...].prefix(10).firstIndex(of: ";") {
                let name = html[html.index(after: index)..<semicolon]
                let decoded: String? = switch name {
                case "lt": "<"
                case "gt": ">"
                case "amp": "&"
                case "quot": "\""
                default:
                    name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                        : name.hasPrefix("#") ? UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) } : nil
                }
                if let decoded {
                    out += decoded
                    index = html.index(after: semicolon)
                    continue
                }
            }
            out.append(character)
            index = html.index(after: index)
        }
        return out
    }

    /// "€34.00": the catalog's decimal price with the currency's sign when it has a common one.
    static func price(_ amount: String?, currency: String) -> String? {
        guard let amount else { return nil }
        let signs = ["EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"]
        if let sign = signs[currency] { return sign + amount }
        return "\(amount) \(currency)"
    }

    /// "2026-12-04 17:00 UTC": where a channel has no timestamps of its own (Telegram, webhooks).
    static func utcText(_ instant: String?) -> String? {
        guard let instant, let date = RFC3339.parse(instant) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)) UTC"
    }

    static func unix(_ instant: String?) -> Int? {
        guard let instant, let date = RFC3339.parse(instant) else { return nil }
        return Int(date.timeIntervalSince1970.rounded(.down))
    }
}
