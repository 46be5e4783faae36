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

extension Contexts {
    /// Whether the drop's opening is still to come (for anyone): then calendars list it.
    func hasOpeningEvent(_ drop: Drop) -> Bool {
        guard let opens = drop.opens else { return false }
        return opens > site.now || drop.earlyAccess.map({ $0.opens > site.now }) == true
    }

    func openingEvent(_ drop: Drop) -> ICSEvent? {
        guard hasOpeningEvent(drop), let opens = drop.opens else { return nil }
        return ICSEvent(uid: "drop-\(drop.slug)-opens@\(calendarHost)", start: opens, end: opens.addingTimeInterval(1800),
                        summary: "Drop opens: \(drop.title)", location: nil,
                        description: shareText(drop), url: site.config.absoluteURL(drop.path))
    }

    func pickupEvents(_ drop: Drop) -> [ICSEvent] {
        drop.pickup.enumerated().filter { $0.element.ends > site.now }.map { index, window in
            ICSEvent(uid: "drop-\(drop.slug)-pickup-\(index + 1)@\(calendarHost)", start: window.starts, end: window.ends,
                     summary: "Pickup: \(drop.title)",
                     location: [window.location, window.address].compactMap { $0 }.joined(separator: ", "),
                     description: "Collect your order of \(drop.title).", url: site.config.absoluteURL(drop.path))
        }
    }

    func eventEvent(_ event: Event) -> ICSEvent {
        ICSEvent(uid: "event-\(event.id)@\(calendarHost)", start: event.starts, end: event.ends, summary: event.title,
                 location: [event.location, event.address].compactMap { $0 }.joined(separator: ", "),
                 description: event.summary.isEmpty ? nil : event.summary, url: site.config.absoluteURL(event.path))
    }

    func siteCalendar() -> String {
        var events: [ICSEvent] = []
        for drop in visible {
            if let opening = openingEvent(drop) { events.append(opening) }
            events += pickupEvents(drop)
        }
        events += site.events.filter { $0.ends > site.now }.map(eventEvent)
        return ICS.calendar(name: site.config.title, events: events, stamp: siteUpdated)
    }

    /// A drop's own calendar: its opening and pickups still to come. nil when nothing is left to
    /// put in a calendar (a drop that closed and was collected): no file and no link then.
    func dropCalendar(_ drop: Drop) -> String? {
        let events = [openingEvent(drop)].compactMap { $0 } + pickupEvents(drop)
        return events.isEmpty ? nil : ICS.calendar(name: drop.title, events: events, stamp: siteUpdated)
    }

    func hasCalendar(_ drop: Drop) -> Bool {
        hasOpeningEvent(drop) || drop.pickup.contains { $0.ends > site.now }
    }

    /// Ready to paste into a Discord or Telegram catalog channel. Made once per drop file and
    /// state: a drop's page, catalog entry and calendars all carry it.
    func shareText(_ drop: Drop) -> String {
        drop.source.isEmpty ? makeShareText(drop) : shareTexts.value(for: drop.source + drop.state.rawValue) { makeShareText(drop) }
    }

    private func makeShareText(_ drop: Drop) -> String {
        var parts = [drop.title]
        if let creator = site.creator(drop.creatorID) { parts[0] += " by \(creator.name)" }
        if let price = drop.price { parts.append(price.formatted(currency: site.config.currency)) }
        if let scarcity = scarcity(drop) { parts.append(scarcity) }
        switch drop.state {
        case .scheduled: if let opens = drop.opens { parts.append("opens \(display(opens))") }
        case .earlyAccess: if let opens = drop.opens { parts.append("early access now, everyone from \(display(opens))") }
        case .live: if let closes = drop.closes { parts.append("live until \(display(closes))") } else { parts.append("live now") }
        default: parts.append(drop.state.label.lowercased())
        }
        return parts.joined(separator: " · ") + " " + site.config.absoluteURL(drop.path)
    }
}
