import StockLedger

/// A ledger that would not be read back (over `StockLedger.maxBytes`) is not written.
public struct LedgerTooLarge: Error, CustomStringConvertible, Equatable {
    public var bytes: Int

    public var description: String {
        "the stock ledger would be \(bytes) bytes, over the \(StockLedger.maxBytes) a ledger may hold; "
            + "it is not written (too many drops with stock events?)"
    }
}
