import Foundation

/// An image output the pages can reference: a path under the output root and its pixel size.
public struct ImageRef: Sendable, Hashable, Codable {
    public var path: String
    public var width: Int
    public var height: Int
    public var contentType: String
}

public struct VideoRef: Sendable, Hashable, Codable {
    public var path: String
    public var width: Int
    public var height: Int
    public var contentType: String
}

/// A drop's hero clip as planned: every output path and size is known before encoding.
public struct HeroMedia: Sendable, Codable {
    public var clips: [VideoRef]
    /// Widest first.
    public var posters: [ImageRef]
    public var ogImage: ImageRef
    public var alt: String
}

public struct StillMedia: Sendable, Codable {
    /// Narrowest first.
    public var variants: [ImageRef]
    public var width: Int
    public var height: Int
    /// A tiny blurred preview as a data URI, shown while the real image loads.
    public var placeholder: String
    public var alt: String
}
