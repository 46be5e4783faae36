import Foundation
import SiteManifest

/// iCalendar (RFC 5545) files: drop openings, pickup windows and events, with stable UIDs so
/// calendar apps update entries instead of duplicating them.
struct ICSEvent: Sendable {
    var uid: String
    var start: Date
    var end: Date
    var summary: String
    var location: String?
    var description: String?
    var url: String?
}

enum ICS {
    static func calendar(name: String, events: [ICSEvent], stamp: Date) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(400 * (events.count + 1))
        for line in ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//dropgen//drops//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + text(name)] {
            append(line, to: &output)
        }
        let stamp = date(stamp)
        for event in events.sorted(by: { ($0.start, $0.uid) < ($1.start, $1.uid) }) {
            for line in ["BEGIN:VEVENT", "UID:" + event.uid, "DTSTAMP:" + stamp, "DTSTART:" + date(event.start),
                         "DTEND:" + date(event.end), "SUMMARY:" + text(event.summary)] {
                append(line, to: &output)
            }
            if let location = event.location { append("LOCATION:" + text(location), to: &output) }
            if let description = event.description { append("DESCRIPTION:" + text(description), to: &output) }
            if let url = event.url { append("URL:" + LineSafe.percentEncoded(url), to: &output) }
            append("END:VEVENT", to: &output)
        }
        append("END:VCALENDAR", to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// One content line, folded, with its CRLF.
    private static func append(_ line: String, to output: inout [UInt8]) {
        fold(line.utf8, into: &output)
        output += "\r\n".utf8
    }

    /// UTC form, `20261204T170000Z`: unambiguous in every client without a VTIMEZONE block.
    static func date(_ date: Date) -> String {
        let w = WallTime(date, offset: 0)
        return String(w.year) + twoDigits(w.month) + twoDigits(w.day) + "T" + twoDigits(w.hour) + twoDigits(w.minute) + twoDigits(w.second) + "Z"
    }

    /// TEXT escaping, on bytes (the escaped characters are ASCII, never part of a longer UTF-8
    /// sequence): a line break, CRLF included, becomes `\n`; other control characters but tab,
    /// which TEXT cannot hold, are dropped.
    static func text(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: ",")
            || $0 < 0x20 || $0 == 0x7F }) else { return value }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(value.utf8.count + 8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: ";"), UInt8(ascii: ","):
                escaped.append(UInt8(ascii: "\\"))
                escaped.append(byte)
            case UInt8(ascii: "\n"): escaped += "\\n".utf8
            case UInt8(ascii: "\r"): continue
            case 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F: continue
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a
    /// UTF-8 sequence (RFC 5545, 3.1): a cut goes before the sequence that would cross the limit.
    static func fold(_ line: String.UTF8View, into output: inout [UInt8]) {
        var start = line.startIndex, limit = 75
        while line.distance(from: start, to: line.endIndex) > limit {
            var cut = line.index(start, offsetBy: limit)
            while (0x80...0xBF).contains(line[cut]) { cut = line.index(before: cut) }  // a continuation byte
            output += line[start..<cut]
            output += "\r\n ".utf8
            start = cut
            limit = 74
        }
        output += line[start...]
    }
}
