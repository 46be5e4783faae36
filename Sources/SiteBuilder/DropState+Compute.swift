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

extension Drop {
    /// Instants after which this drop's pages read differently (opening, closing, archiving).
    func transitions(archiveAfterDays: Int) -> [Date] {
        guard statusOverride == nil else { return [] }
        var times = [earlyAccess?.opens, opens, closes].compactMap { $0 }
        if let closes { times.append(closes.addingTimeInterval(Double(archiveAfterDays) * 86_400)) }
        return times
    }
}
