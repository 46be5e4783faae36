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
        case .scheduled: if let opens = drop.opens { parts.append("opens \(display(opens))") }
        case .earlyAccess: if let opens = drop.opens { parts.append("early access now, everyone from \(display(opens))") }
        case .live: if let closes = drop.closes { parts.append("live until \(display(closes))") } else { parts.append("live now") }
        default: parts.append(drop.state.label.lowercased())
        }
        return parts.joined(separator: " · ") + " " + site.config.absoluteURL(drop.path)
    }
}
