/// Collects diagnostics while loading so that one bad file does not hide the next. Only the
/// first `limit` (in `sortOrder`) are kept, the rest are counted: one mistake multiplied by
/// YAML aliases a million times costs a counter, not a million messages.
public struct DiagnosticLog: Sendable, ExpressibleByArrayLiteral {
    /// Diagnostics printed at most; the rest are summed up as "and N more".
    public static let limit = 100

    /// Unsorted, fewer than `2 * limit`: trimmed to the first `limit` whenever it fills up.
    private var kept: [Diagnostic] = []
    /// Every diagnostic added, kept or not.
    public private(set) var count = 0

    public init() {}

    public init(arrayLiteral diagnostics: Diagnostic...) { add(contentsOf: diagnostics) }

    /// The first `limit` diagnostics, sorted.
    public var all: [Diagnostic] { Array(kept.sorted(by: Diagnostic.sortOrder).prefix(Self.limit)) }

    public mutating func add(_ diagnostic: Diagnostic) {
        count += 1
        kept.append(diagnostic)
        if kept.count == 2 * Self.limit {
            kept.sort(by: Diagnostic.sortOrder)
            kept.removeLast(Self.limit)
        }
    }

    public mutating func add(contentsOf other: [Diagnostic]) { for diagnostic in other { add(diagnostic) } }

    public mutating func add(contentsOf other: DiagnosticLog) {
        for diagnostic in other.kept { add(diagnostic) }
        count += other.count - other.kept.count
    }

    public mutating func add(contentsOf failure: BuildFailed) {
        add(contentsOf: failure.diagnostics)
        count += failure.total - failure.diagnostics.count
    }

    public var isEmpty: Bool { count == 0 }

    public func throwIfAny() throws(BuildFailed) {
        if count > 0 { throw BuildFailed(self) }
    }
}
