extension StockLedger {
    /// What applying one event did.
    public enum Outcome: Sendable, Equatable {
        case applied(remaining: Int)
        /// The event id was applied before: nothing changes.
        case duplicate
        /// `remaining` is 0; `short` units could not be covered (recorded as the entry's `oversold`).
        case oversold(remaining: Int, short: Int)
        /// Nothing changes, e.g. a sale of a drop with no opening stock.
        case rejected(String)
    }
}
