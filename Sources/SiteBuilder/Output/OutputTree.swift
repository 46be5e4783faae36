import Foundation

/// What a build produces, before anything touches the disk: output path → bytes.
public struct OutputTree: Sendable {
    public var files: [String: Data] = [:]

    public init(files: [String: Data] = [:]) { self.files = files }

    public subscript(path: String) -> String? {
        files[path].map { String(decoding: $0, as: UTF8.self) }
    }
}
