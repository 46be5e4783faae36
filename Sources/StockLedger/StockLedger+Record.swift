extension StockLedger {
    /// One applied event in the ledger's log of recent events, with what it left: for reports
    /// (when a drop sold out, what was oversold).
    public struct Record: Sendable, Equatable {
        public var event: StockEvent
        /// The drop's remaining stock after the event.
        public var remaining: Int
        /// Units the event could not cover (0 unless it oversold).
        public var short: Int

        public init(event: StockEvent, remaining: Int, short: Int) {
            self.event = event
            self.remaining = remaining
            self.short = short
        }
    }
}
