import Foundation
import StockLedger

extension Site {
    /// Applies the stock ledger after loading (after the content cache, which keeps the front
    /// matter's opening stock): each entry overrides its drop's `remaining`, and the drop's state
    /// is computed again from it, so 0 makes it sold out on every page, feed and catalog.
    /// Returns the slugs of entries for drops this site does not have, sorted: they are ignored.
    mutating func apply(stock ledger: StockLedger) -> [String] {
        stock = ledger
        guard !ledger.entries.isEmpty else { return [] }
        var unknown = Set(ledger.entries.keys)
        for index in drops.indices {
            let slug = drops[index].slug
            guard let entry = ledger.entry(for: slug) else { continue }
            unknown.remove(slug)
            drops[index].apply(stock: entry, now: now, archiveAfterDays: config.archiveAfterDays)
        }
        return unknown.sorted()
    }
}

extension Drop {
    /// The ledger's stock in place of the front matter's, and the state that follows from it.
    mutating func apply(stock entry: StockLedger.Entry, now: Date, archiveAfterDays: Int) {
        self.remaining = entry.remaining
        state = state(at: now, archiveAfterDays: archiveAfterDays)
    }
}
