import Foundation
import SiteManifest

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
