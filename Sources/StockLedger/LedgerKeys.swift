/// Any key of a JSON object, for reading objects keyed by slug and for refusing unknown keys.
struct LedgerKeys: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }

    /// Throws for the first key of the object at `decoder` that is not in `known`: bytes read
    /// back from a target are untrusted, and a key this dropgen does not know would be lost on
    /// the next write.
    static func refuseUnknown(in decoder: any Decoder, known: [String]) throws {
        let container = try decoder.container(keyedBy: LedgerKeys.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw InvalidLedger(at: container.codingPath + [LedgerKeys(unknown)], "unknown key (known: \(known.sorted().joined(separator: ", ")))")
        }
    }
}
