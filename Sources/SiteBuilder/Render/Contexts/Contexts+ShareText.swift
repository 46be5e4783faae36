import Foundation

extension Contexts {
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
        case .scheduled:
            if let opens = drop.opens {
                let early = drop.earlyAccess.map { " (\(holdersOf($0)) from \(display($0.opens)))" } ?? ""
                parts.append("opens \(display(opens))" + early)
            }
        case .earlyAccess:
            let access = drop.earlyAccess.map { "early access for \(holdersOf($0))" } ?? "early access"
            parts.append(access + (drop.opens.map { " until \(display($0)); opens to everyone then" } ?? ""))
        case .live: if let closes = drop.closes { parts.append("live until \(display(closes))") } else { parts.append("live now") }
        default: parts.append(drop.state.label.lowercased())
        }
        return parts.joined(separator: " · ") + " " + site.config.absoluteURL(drop.path)
    }

    /// "holders of Repeat buyer": who early access is for, as every public text says it.
    func holdersOf(_ access: EarlyAccess) -> String {
        "holders of " + access.badges.map { site.badge($0)?.name ?? $0 }.joined(separator: " or ")
    }
}
