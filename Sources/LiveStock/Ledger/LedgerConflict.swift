/// Another writer created the ledger version this one meant to create: its events are not in
/// the ledger this writer read. Read again, apply the events again, write again.
public struct LedgerConflict: Error, CustomStringConvertible, Equatable {
    /// The version this writer meant to create (it exists with other contents, or a later one does).
    public var sequence: Int
    /// The target, for messages.
    public var target: String

    public init(sequence: Int, target: String) {
        self.sequence = sequence
        self.target = target
    }

    public var description: String {
        "another writer changed the stock ledger at \(target) first (version \(sequence) or a later one exists); "
            + "read it again and reapply"
    }
}
