/// An image the pipeline writes, known (path and size) before it is encoded.
public struct ImageFile: Sendable, Equatable, Hashable {
    /// Relative to the output root, e.g. `media/mug-960.0123abcd4567ef89.webp`.
    public var path: String
    public var width: Int
    public var height: Int
    /// `image/webp` or `image/jpeg`.
    public var contentType: String

    public init(path: String, width: Int, height: Int, contentType: String) {
        self.path = path
        self.width = width
        self.height = height
        self.contentType = contentType
    }
}

/// A video the pipeline writes, known before it is encoded.
public struct VideoFile: Sendable, Equatable, Hashable {
    /// Relative to the output root, e.g. `media/hero.0123abcd4567ef89.mp4`.
    public var path: String
    public var width: Int
    public var height: Int
    /// Seconds.
    public var duration: Double
    /// `video/mp4` or `video/webm`.
    public var contentType: String
    /// For `<source type=…>`, with codecs: `video/mp4; codecs="avc1.640028"`.
    public var sourceType: String

    public init(path: String, width: Int, height: Int, duration: Double, contentType: String, sourceType: String) {
        self.path = path
        self.width = width
        self.height = height
        self.duration = duration
        self.contentType = contentType
        self.sourceType = sourceType
    }
}
