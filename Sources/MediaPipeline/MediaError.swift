import Foundation

/// Where a media reference was written, so errors can point the creator at the right line.
public struct MediaSource: Sendable, Hashable, Codable {
    /// Site-relative path of the Markdown file, e.g. `content/drops/mug.md`.
    public var file: String
    /// Line of the key in that file, when known.
    public var line: Int?
    /// Column on that line, when known: of the value, where errors about a value point.
    public var column: Int?
    /// The key of the reference: `hero` (or `hero.video`) for a hero clip, `images[1].src` for a still.
    public var key: String

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
    }
}

/// A media problem the creator can fix, or an encoder failure, named by file, line, column and key.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var key: String
    public var message: String
    /// Tool output that explains the failure (the last lines of ffmpeg's stderr), if any.
    public var detail: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, message: String, detail: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
        self.detail = detail
    }

    /// An error at `source`, or at another `key` of the same file (a hero's `duration`): the
    /// source's column is its own key's, so another key has only the column it is given.
    init(_ source: MediaSource, key: String? = nil, line: Int? = nil, column: Int? = nil, _ message: String, detail: String? = nil) {
        let key = key ?? source.key
        self.init(file: source.file, line: line ?? source.line, column: column ?? (key == source.key ? source.column : nil),
                  key: key, message: message, detail: detail)
    }

    /// `content/drops/mug.md:12:3: hero.duration: must be between 10 and 20 seconds, got 25`
    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        var text = "\(location): \(key): \(message)"
        if let detail, !detail.isEmpty {
            text += "\n" + detail.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        }
        return text
    }
}

extension Double {
    /// Seconds as a creator wrote them: `25`, `12.5`, `-1` (no trailing `.0`).
    var secondsText: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int(self)) }
        return String(format: "%.3f", self)
            .replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }
}
