import Foundation

extension String {
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation when neither end can be white
    /// space (an ASCII byte other than space and tab): prices are parsed by the ten thousand.
    var trimmingWhitespace: String {
        func plain(_ byte: UInt8?) -> Bool { byte.map { $0 < 0x80 && $0 != 0x20 && $0 != 0x09 } ?? false }
        return plain(utf8.first) && plain(utf8.last) ? self : trimmingCharacters(in: .whitespaces)
    }
}
