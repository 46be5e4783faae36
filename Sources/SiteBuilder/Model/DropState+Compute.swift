import Foundation

extension DropState {
    /// The state a shopper sees at `now`. A `status:` override wins; otherwise the schedule
    /// and the stock decide.
    static func at(_ now: Date, override: DropState?, opens: Date?, closes: Date?, earlyAccessOpens: Date?,
                   remaining: Int?, archiveAfterDays: Int) -> DropState {
        if let override { return override }
        if let opens, now < opens {
            if let earlyAccessOpens, now >= earlyAccessOpens { return remaining == 0 ? .soldOut : .earlyAccess }
            return .scheduled
        }
        if let closes, now >= closes.addingTimeInterval(Double(archiveAfterDays) * 86_400) { return .archived }
        if remaining == 0 { return .soldOut }
        if let closes, now >= closes { return .closed }
        return .live
    }

    /// schema.org availability for the offer.
    func availability(remaining: Int?, edition: Int?) -> String {
        switch self {
        case .draft, .scheduled: return "https://schema.org/PreOrder"
        case .earlyAccess: return "https://schema.org/PreSale"
        case .live:
            if let remaining, let edition, edition > 0, remaining * 5 <= edition { return "https://schema.org/LimitedAvailability" }
            return "https://schema.org/InStock"
        case .soldOut: return "https://schema.org/SoldOut"
        case .closed, .archived: return "https://schema.org/Discontinued"
        }
    }
}

/// An instant at which a drop's pages change: what CI should schedule the next build for.
public struct Transition: Sendable, Equatable {
    public enum Kind: String, Sendable { case earlyAccessOpens = "early_access_opens", opens, closes, archives }
    public var at: Date
    public var slug: String
    public var kind: Kind
}

extension Drop {
    /// The state at `now`, from this drop's schedule, stock and override.
    func state(at now: Date, archiveAfterDays: Int) -> DropState {
        DropState.at(now, override: self.statusOverride, opens: self.opens, closes: self.closes, earlyAccessOpens: self.earlyAccess?.opens,
                     remaining: self.remaining, archiveAfterDays: archiveAfterDays)
    }

    /// Instants after which this drop's pages read differently (opening, closing, archiving).
    func transitions(archiveAfterDays: Int) -> [Date] {
        labeledTransitions(archiveAfterDays: archiveAfterDays).map(\.at)
    }

    func labeledTransitions(archiveAfterDays: Int) -> [Transition] {
        guard self.statusOverride == nil else { return [] }
        let slug = self.slug
        var result: [Transition] = []
        if let access = self.earlyAccess?.opens { result.append(Transition(at: access, slug: slug, kind: .earlyAccessOpens)) }
        if let opens = self.opens { result.append(Transition(at: opens, slug: slug, kind: .opens)) }
        if let closes = self.closes {
            result.append(Transition(at: closes, slug: slug, kind: .closes))
            result.append(Transition(at: closes.addingTimeInterval(Double(archiveAfterDays) * 86_400), slug: slug, kind: .archives))
        }
        return result
    }
}

extension Site {
    /// Future transitions, earliest first (ties by slug), so output is deterministic.
    public func upcomingTransitions() -> [Transition] {
        drops.flatMap { $0.labeledTransitions(archiveAfterDays: config.archiveAfterDays) }.filter { $0.at > now }
            .sorted { ($0.at, $0.slug, $0.kind.rawValue) < ($1.at, $1.slug, $1.kind.rawValue) }
    }
}
