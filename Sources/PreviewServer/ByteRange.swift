import Foundation

/// One `Range: bytes=…` request resolved against a file size (RFC 9110 §14).
enum ByteRange: Equatable {
    /// Serve these bytes with 206.
    case satisfiable(ClosedRange<Int>)
    /// 416 with `Content-Range: bytes */size`.
    case unsatisfiable
    /// Not a single byte range we serve partially (other units, several ranges, bad syntax):
    /// the whole file with 200, which the RFC allows a server to do.
    case ignored

    static func parse(_ header: String, size: Int) -> ByteRange {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes=") else { return .ignored }
        let spec = text.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .ignored }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            // `bytes=-N`: the last N bytes.
            guard let count = Int(last), count >= 0 else { return .ignored }
            guard count > 0, size > 0 else { return .unsatisfiable }
            return .satisfiable(max(0, size - count)...(size - 1))
        }
        guard let start = Int(first), start >= 0 else { return .ignored }
        guard start < size else { return .unsatisfiable }
        if last.isEmpty { return .satisfiable(start...(size - 1)) }
        guard let end = Int(last), end >= start else { return .ignored }
        return .satisfiable(start...min(end, size - 1))
    }
}
