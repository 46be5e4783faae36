extension Sequence where Element == UInt8 {
    /// Lowercase hex, two digits a byte: hashes in manifests, file names, records and
    /// signatures. The only hex encoder of dropgen; written without `String(format:)` per byte,
    /// which dominated hashing a large build's outputs.
    public var hex: String {
        let bytes = Array(self)
        return String(unsafeUninitializedCapacity: 2 * bytes.count) { characters in
            let digits: StaticString = "0123456789abcdef"
            for (index, byte) in bytes.enumerated() {
                characters[2 * index] = digits.utf8Start[Int(byte >> 4)]
                characters[2 * index + 1] = digits.utf8Start[Int(byte & 0x0F)]
            }
            return 2 * bytes.count
        }
    }
}

extension UInt8 {
    /// `%2F`: the byte percent-encoded with upper-case hex, as RFC 3986 and SigV4 want it.
    public var percentEncoded: String {
        let digits: StaticString = "0123456789ABCDEF"
        return String(unsafeUninitializedCapacity: 3) { characters in
            characters[0] = UInt8(ascii: "%")
            characters[1] = digits.utf8Start[Int(self >> 4)]
            characters[2] = digits.utf8Start[Int(self & 0x0F)]
            return 3
        }
    }
}
