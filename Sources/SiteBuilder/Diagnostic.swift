import Foundation
import Publisher

/// One problem with the input, located as precisely as we know: file, line, column, key.
public struct Diagnostic: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Path relative to the site root, e.g. `content/drops/mug.md`.
    public var file: String
    public var line: Int?
    public var column: Int?
    /// Dotted key path, e.g. `hero.duration` or `pickup[1].starts`.
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// `content/drops/mug.md:7:3: price: must not be negative`, on one line: control
    /// characters from content (in a value quoted, or a file name) are shown as `\u{1B}`.
    public var description: String { LineSafe.terminalEscaped(unescapedDescription) }

    private var unescapedDescription: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let key { text += ": \(key)" }
        return text + ": " + message
    }

    static func sortOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.file, a.line ?? 0, a.column ?? 0, a.key ?? "", a.message) < (b.file, b.line ?? 0, b.column ?? 0, b.key ?? "", b.message)
    }
}

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

    init(_ log: DiagnosticLog) {
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

/// Collects diagnostics while loading so that one bad file does not hide the next. Only the
/// first `limit` (in `sortOrder`) are kept, the rest are counted: one mistake multiplied by
/// YAML aliases a million times costs a counter, not a million messages.
struct DiagnosticLog: Sendable, ExpressibleByArrayLiteral {
    /// Diagnostics printed at most; the rest are summed up as "and N more".
    static let limit = 100

    /// Unsorted, fewer than `2 * limit`: trimmed to the first `limit` whenever it fills up.
    private var kept: [Diagnostic] = []
    /// Every diagnostic added, kept or not.
    private(set) var count = 0

    init() {}

    init(arrayLiteral diagnostics: Diagnostic...) { add(contentsOf: diagnostics) }

    /// The first `limit` diagnostics, sorted.
    var all: [Diagnostic] { Array(kept.sorted(by: Diagnostic.sortOrder).prefix(Self.limit)) }

    mutating func add(_ diagnostic: Diagnostic) {
        count += 1
        kept.append(diagnostic)
        if kept.count == 2 * Self.limit {
            kept.sort(by: Diagnostic.sortOrder)
            kept.removeLast(Self.limit)
        }
    }

    mutating func add(contentsOf other: [Diagnostic]) { for diagnostic in other { add(diagnostic) } }

    mutating func add(contentsOf other: DiagnosticLog) {
        for diagnostic in other.kept { add(diagnostic) }
        count += other.count - other.kept.count
    }

    mutating func add(contentsOf failure: BuildFailed) {
        add(contentsOf: failure.diagnostics)
        count += failure.total - failure.diagnostics.count
    }

    var isEmpty: Bool { count == 0 }

    func throwIfAny() throws(BuildFailed) {
        if count > 0 { throw BuildFailed(self) }
    }
}

/// "did you mean `price`?" — the closest known key within a small edit distance.
func suggestion(for key: String, among known: [String]) -> String? {
    let scored = known.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return nil }
    let limit = max(2, key.count / 3)
    return best.1 <= limit ? best.0 : nil
}

func editDistance(_ a: String, _ b: String) -> Int {
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
