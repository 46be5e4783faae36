import Foundation

extension StockLedger {
    /// A drop's stock as the ledger knows it: from its first event on, it overrides the drop's
    /// front-matter `remaining`.
    public struct Entry: Sendable, Equatable {
        /// Never below 0.
        public var remaining: Int
        /// The time of the last event applied to it.
        public var updatedAt: Date
        /// Units sold beyond stock, summed over the drop's life (a reset keeps it): recorded and
        /// reported; `remaining` stays 0.
        public var oversold: Int

        public init(remaining: Int, updatedAt: Date, oversold: Int = 0) {
            self.remaining = remaining
            self.updatedAt = StockTime.milliseconds(updatedAt)
            self.oversold = oversold
        }
    }
}
