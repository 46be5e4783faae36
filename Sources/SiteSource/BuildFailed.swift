/// Every problem a build found, reported together so a creator can fix them in one pass: the
/// first `DiagnosticLog.limit` of them (by file, line and column), and how many there were.
public struct BuildFailed: Error, Sendable, CustomStringConvertible {
    /// Sorted, at most `DiagnosticLog.limit`.
    public var diagnostics: [Diagnostic]
    /// Every diagnostic found, those left out of `diagnostics` included.
    public var total: Int

    public init(_ diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        log.add(contentsOf: diagnostics)
        self.init(log)
    }

    public init(_ log: DiagnosticLog) {
        diagnostics = log.all
        total = log.count
    }

    /// The diagnostics, one a line, and `and N more` for those left out.
    public var listing: String {
        var lines = diagnostics.map(\.description)
        if total > diagnostics.count { lines.append("and \(total - diagnostics.count) more") }
        return lines.joined(separator: "\n")
    }

    public var description: String {
        listing + "\n\(total) error\(total == 1 ? "" : "s"); nothing was written."
    }
}
