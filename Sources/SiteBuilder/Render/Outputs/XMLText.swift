import Foundation
import SiteManifest

/// Escaping for XML text and attribute values (feeds, sitemap). Control characters other than
/// tab and line breaks, which XML 1.0 cannot hold at all, become U+FFFD.
func xmlEscape(_ text: String) -> String {
    // URLs and most titles need no escape: the sitemap and calendars hold thousands of them.
    if !text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 < 0x20 || $0 == 0x7F }) {
        return text
    }
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for character in text {
        if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, LineSafe.isControl(scalar) {
            escaped += "\u{FFFD}"
            continue
        }
        switch character {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&apos;"
        default: escaped.append(character)
        }
    }
    return escaped
}
