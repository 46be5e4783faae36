/// The "did you mean" hint of an unknown name, in the one wording every error uses:
/// `unknown key; did you mean `price`?`.
public enum Suggestion {
    /// `; did you mean `price`?` when a known name is close to `name`, else the empty string.
    public static func didYouMean(_ name: String, among known: [String]) -> String {
        closest(to: name, among: known).map { "; did you mean `\($0)`?" } ?? ""
    }

    /// The known name nearest to `name` (ignoring case) within a small edit distance; on a tie
    /// the first in alphabetical order.
    public static func closest(to name: String, among known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return nil }
        let limit = max(2, name.count / 3)
        return best.1 <= limit ? best.0 : nil
    }

    /// Levenshtein distance in characters: insertions, deletions and substitutions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
