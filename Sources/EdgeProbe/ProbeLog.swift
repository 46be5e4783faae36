import Foundation

/// `data/probes.csv`: one row per request of every probe, appended, so `dropgen report` can draw
/// first-byte times over time. Times in milliseconds; a failed request has status 0 and empty times.
public enum ProbeLog {
    public static let file = "data/probes.csv"
    public static let columns = ["probed_at", "base_url", "kind", "path", "sample", "status", "dns_ms", "connect_ms", "tls_ms",
                                 "first_byte_ms", "total_ms", "bytes", "cache"]

    public struct Refused: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The report's rows as CSV lines (RFC 4180), without the header.
    public static func lines(_ report: EdgeProbe.Report) -> [String] {
        var lines: [String] = []
        for object in report.objects {
            for (index, sample) in object.samples.enumerated() {
                let times = sample.timings.map { [$0.dnsMs, $0.connectMs, $0.tlsMs, $0.firstByteMs, $0.totalMs].map(EdgeProbe.format) }
                    ?? Array(repeating: "", count: 5)
                let fields = [report.probedAt, report.base, object.kind.rawValue, object.path, String(index + 1), String(sample.status)]
                    + times + [String(sample.bytes), sample.cache]
                lines.append(fields.map(quoted).joined(separator: ","))
            }
        }
        return lines
    }

    /// Appends the report's rows to `url`, writing the header first into a new file. A file whose
    /// header is not this one is refused rather than mixed with rows it does not describe.
    public static func append(_ report: EdgeProbe.Report, to url: URL) throws -> Int {
        let rows = lines(report)
        let header = columns.joined(separator: ",")
        let manager = FileManager.default
        if let existing = manager.contents(atPath: url.path), !existing.isEmpty {
            let first = String(decoding: existing.prefix { $0 != 10 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard first == header else {
                throw Refused(description: "\(file):1:1: the header is not `\(header)`; move the file away to start a new log")
            }
            var text = existing.last == 10 ? "" : "\n"
            text += rows.map { $0 + "\n" }.joined()
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } else {
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(([header] + rows).map { $0 + "\n" }.joined().utf8).write(to: url, options: .atomic)
        }
        return rows.count
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
