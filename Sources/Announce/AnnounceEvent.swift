import Foundation

/// One change worth a message: a drop scheduled, in early access, open, nearly gone, sold out or
/// closed. Its id names the site, the drop, the kind and the instant or stock level that caused
/// it, so the same change seen again (a re-run, a CI retry) is the same event.
public struct AnnounceEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case scheduled
        case earlyAccess = "early_access"
        case opened
        case lastUnits = "last_units"
        case soldOut = "sold_out"
        case closed
    }

    public var id: String
    public var kind: Kind
    /// The drop as the catalog showed it when the event happened.
    public var drop: LiveCatalog.Drop

    public init(kind: Kind, drop: LiveCatalog.Drop, site: String) {
        self.kind = kind
        self.drop = drop
        let cause: String = switch kind {
        case .scheduled, .opened: drop.opens ?? "-"
        case .earlyAccess: drop.earlyAccess?.opens ?? "-"
        case .lastUnits: "left-\(drop.remaining ?? 0)"
        case .soldOut: "left-0"
        case .closed: drop.closes ?? "-"
        }
        id = "\(site)/\(drop.slug)/\(kind.rawValue)/\(cause)"
    }
}

/// What the ledger remembers of a drop between runs: enough to tell what changed.
public struct DropSnapshot: Sendable, Equatable, Codable {
    public var state: String
    public var remaining: Int?
}

public enum EventDiff {
    /// The events between what was live (`before`, by slug) and what is live now, in catalog
    /// order and, per drop, in the order they happened.
    public static func events(before: [String: DropSnapshot], after catalog: LiveCatalog, lastUnits: Int) -> [AnnounceEvent] {
        let site = URL(string: catalog.baseURL)?.host ?? catalog.baseURL
        var events: [AnnounceEvent] = []
        for drop in catalog.drops {
            let old = before[drop.slug]
            var kinds: [AnnounceEvent.Kind] = []
            let wasSelling = old.map { $0.state == "live" || $0.state == "early_access" } ?? false
            if old == nil && drop.state == "scheduled" { kinds.append(.scheduled) }
            if drop.state == "early_access" && old?.state != "early_access" && old?.state != "live" { kinds.append(.earlyAccess) }
            if drop.state == "live" && old?.state != "live" { kinds.append(.opened) }
            if drop.selling, let left = drop.remaining, left > 0, left <= lastUnits {
                let wasLow = wasSelling && (old?.remaining).map { $0 <= lastUnits } ?? false
                if !wasLow { kinds.append(.lastUnits) }
            }
            if drop.state == "sold_out", let old, old.state != "sold_out", old.state != "closed", old.state != "archived" {
                kinds.append(.soldOut)
            }
            if drop.state == "closed", let old, old.state == "live" || old.state == "early_access" || old.state == "sold_out" {
                kinds.append(.closed)
            }
            events += kinds.map { AnnounceEvent(kind: $0, drop: drop, site: site) }
        }
        return events
    }

    public static func snapshot(_ catalog: LiveCatalog) -> [String: DropSnapshot] {
        var snapshot: [String: DropSnapshot] = [:]
        for drop in catalog.drops { snapshot[drop.slug] = DropSnapshot(state: drop.state, remaining: drop.remaining) }
        return snapshot
    }
}
