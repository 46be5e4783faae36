import Foundation

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
}
