import Crypto
import Foundation

/// What a build produced: one entry per file under the output folder, written to
/// `.dropgen/manifest.json`. It is the Publisher's only input about the site, so any built
/// folder with a manifest can be published.
public struct BuildManifest: Codable, Sendable, Equatable {
    public static let relativePath = ".dropgen/manifest.json"
    /// Present while a build updates its output folder in place: the folder is not a whole build.
    public static let incompleteMarker = ".dropgen/incomplete"

    public var version: Int
    public var files: [Entry]

    public struct Entry: Codable, Sendable, Equatable {
        /// Path relative to the output root, `/`-separated, no leading slash.
        public var path: String
        /// Lowercase hex SHA-256 of the bytes.
        public var sha256: String
        public var size: Int
        public var contentType: String
        /// True when the file name carries a content hash (`name.<hash>.ext`): immutable at the edge.
        public var hashed: Bool
        public var cacheClass: CacheClass

        /// The entry of one output file: hash and size from its bytes, content type and cache
        /// class from its path (`EdgeRules`). The one way the build and the preview make entries.
        public init(path: String, bytes: Data) {
            self.init(path: path, sha256: SHA256.hash(data: bytes).hex, size: bytes.count, contentType: EdgeRules.contentType(for: path),
                      hashed: EdgeRules.isContentHashed(path), cacheClass: EdgeRules.cacheClass(for: path))
        }

        /// Every field as given: for tests that need an entry no bytes would give (a size
        /// beyond memory, a hostile path); a manifest read from disk is decoded instead.
        init(path: String, sha256: String, size: Int, contentType: String, hashed: Bool, cacheClass: CacheClass) {
            self.path = path
            self.sha256 = sha256
            self.size = size
            self.contentType = contentType
            self.hashed = hashed
            self.cacheClass = cacheClass
        }

        enum CodingKeys: String, CodingKey {
            case path, sha256, size, hashed
            case contentType = "content_type"
            case cacheClass = "cache_class"
        }
    }

    public init(files: [Entry]) {
        self.version = 1
        self.files = files.sorted { $0.path < $1.path }
    }

    /// Stable bytes: sorted keys and paths, so the same build gives the same manifest.
    public func encoded() throws -> Data {
        if let fast = fastEncoded() { return fast }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// The same bytes as `JSONEncoder` (pretty, sorted keys, slashes unescaped) gives, written
    /// directly: a build writes a manifest of tens of thousands of entries each time. nil when a
    /// string holds anything but printable ASCII without quotes or backslashes, or there are no
    /// files: then the encoder's own escaping and layout are used.
    func fastEncoded() -> Data? {
        func plain(_ text: String) -> Bool { text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C } }
        guard !files.isEmpty, files.allSatisfy({ plain($0.path) && plain($0.contentType) && plain($0.sha256) }) else { return nil }
        // Bytes appended piece by piece: interpolating into a String was several times slower.
        var text: [UInt8] = []
        text.reserveCapacity(files.count * 260)
        text += "{\n  \"files\" : [\n".utf8
        for (index, entry) in files.enumerated() {
            text += "    {\n      \"cache_class\" : \"".utf8
            text += entry.cacheClass.rawValue.utf8
            text += "\",\n      \"content_type\" : \"".utf8
            text += entry.contentType.utf8
            text += "\",\n      \"hashed\" : ".utf8
            text += (entry.hashed ? "true" : "false").utf8
            text += ",\n      \"path\" : \"".utf8
            text += entry.path.utf8
            text += "\",\n      \"sha256\" : \"".utf8
            text += entry.sha256.utf8
            text += "\",\n      \"size\" : ".utf8
            text += String(entry.size).utf8
            text += (index == files.count - 1 ? "\n    }\n" : "\n    },\n").utf8
        }
        text += "  ],\n  \"version\" : \(version)\n}\n".utf8
        return Data(text)
    }

    public static func decode(_ data: Data) throws -> BuildManifest {
        try JSONDecoder().decode(BuildManifest.self, from: data)
    }
}
