import EdgeProbe
import Foundation
import SiteManifest

/// First-byte time per object kind over time, from the rows `dropgen probe` appends to data/probes.csv.
public struct FirstByte: Sendable, Codable, Equatable {
    public static let runLimit = 30
    public static let definition = """
        From data/probes.csv (written by dropgen probe): per probe run (probed_at) in the period and object kind \
        (home, product, hero_clip, poster), the nearest-rank p50 and p95 of first_byte_ms (from the start of the DNS \
        lookup to the first byte of the answer, on a fresh connection) over the run's requests that answered 200 or 206. \
        The last \(runLimit) runs are shown.
        """
    public static let missingExplanation = """
        Run dropgen probe against the live site (or dropgen serve): each run appends its requests to data/probes.csv.
        """

    public struct Row: Sendable, Codable, Equatable {
        public var probedAt: String
        public var kind: String
        public var requests: Int
        public var p50Ms: Double?
        public var p95Ms: Double?

        enum CodingKeys: String, CodingKey {
            case kind, requests
            case probedAt = "probed_at", p50Ms = "p50_ms", p95Ms = "p95_ms"
        }
    }

    public var available: Bool
    public var explanation: String?
    public var rows: [Row]

    static func compute(probes: [ReportInputs.Probe]?, period: ReportPeriod) -> FirstByte {
        guard let probes else { return FirstByte(available: false, explanation: missingExplanation, rows: []) }
        let answered = probes.filter { period.contains($0.probedAt) && ($0.status == 200 || $0.status == 206) && $0.firstByteMs != nil }
        let runs = Set(answered.map(\.probedAt)).sorted().suffix(runLimit)
        var rows: [Row] = []
        for run in runs {
            let inRun = answered.filter { $0.probedAt == run }
            for kind in Set(inRun.map(\.kind)).sorted() {
                let values = inRun.filter { $0.kind == kind }.compactMap(\.firstByteMs)
                rows.append(Row(probedAt: RFC3339.format(run), kind: kind, requests: values.count,
                                p50Ms: Percentile.of(values, 50), p95Ms: Percentile.of(values, 95)))
            }
        }
        return FirstByte(available: true, explanation: nil, rows: rows)
    }
}
