import Foundation

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

    /// `content/drops/mug.md:7:3: price: must not be negative`
    public var description: String {
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

/// Every problem a build found, reported together so a creator can fix them in one pass.
public struct BuildFailed: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted(by: Diagnostic.sortOrder)
    }

    public var description: String {
        let count = diagnostics.count
        return diagnostics.map(\.description).joined(separator: "\n")
            + "\n\(count) error\(count == 1 ? "" : "s"); nothing was written."
    }
}

/// Collects diagnostics while loading so that one bad file does not hide the next.
struct DiagnosticLog: Sendable {
    private(set) var all: [Diagnostic] = []

    mutating func add(_ diagnostic: Diagnostic) { all.append(diagnostic) }
    mutating func add(contentsOf other: [Diagnostic]) { all.append(contentsOf: other) }

    var isEmpty: Bool { all.isEmpty }

    func throwIfAny() throws(BuildFailed) {
        if !all.isEmpty { throw BuildFailed(all) }
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
