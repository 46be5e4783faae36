/// Nearest-rank percentiles: the p-th percentile of n values is the value at rank ⌈p/100 × n⌉
/// of them sorted (p50 of 5 values is the 3rd, p95 the 5th): always one of the measured values.
public enum Percentile {
    public static func of(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
