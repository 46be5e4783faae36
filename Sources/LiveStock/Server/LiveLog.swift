import Foundation
import SiteManifest

/// Where the live server's log lines go: one line per event received and per event applied
/// (time, route or source, event id, drop, change, outcome), and one per rejection, publish and
/// transition. Lines are `key=value` pairs after the time; values from a sender are escaped
/// (no control character can end a line or drive a terminal) and quoted when they hold spaces.
/// Never a secret, a signature or a payload: only the fields named here.
public struct LiveLog: Sendable {
    public var write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// Standard error, one `write` per line (lines of concurrent requests do not interleave).
    public static let standardError = LiveLog { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    public static let discard = LiveLog { _ in }
}

/// Formats lines for a `LiveLog` with the server's clock.
struct LiveLogger: Sendable {
    let log: LiveLog
    let now: @Sendable () -> Date

    func line(_ fields: KeyValuePairs<String, String>) {
        var text = Self.timestamp(now())
        for (key, value) in fields {
            text += " " + key + "=" + Self.quoted(value)
        }
        log.write(text)
    }

    /// `2026-12-04T17:00:00.250Z`: milliseconds, since a burst's events land within one second.
    static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = String(millis - seconds * 1000)
        let whole = RFC3339.format(Date(timeIntervalSince1970: Double(seconds)))
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    static func quoted(_ value: String) -> String {
        let escaped = LineSafe.terminalEscaped(value).replacingOccurrences(of: "\"", with: "\\\"")
        let plain = !escaped.isEmpty && !escaped.unicodeScalars.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.properties.isWhitespace }
        return plain ? escaped : "\"" + escaped + "\""
    }
}
