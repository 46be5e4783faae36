import Foundation

/// Encoding choices for a site's media, read from `dropgen.yaml` `media:`.
public struct MediaOptions: Sendable, Equatable {
    public var maxHeight: Int = 720
    public var crf: Int = 26
    public var webm: Bool = false
    public var stillWidths: [Int] = [480, 960, 1600]
    public var posterWidths: [Int] = [1280, 640]
    public var quality: Float = 80
    public var cacheDirectory: String = ".dropgen-cache"

    public init() {}
}
