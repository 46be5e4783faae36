import StockLedger

/// The journal the live server runs with: `StockJournal` already has what `EventJournal` asks.
extension StockJournal: EventJournal {}
