import Foundation

/// Encoding choices for a site's media, read from `dropgen.yaml` `media:`.
public struct MediaOptions: Sendable, Equatable {
    /// The short side of hero clips and posters ("720p": 1280×720 landscape, 720×1280 portrait,
    /// 720×720 square); the long side is held to 16:9 of it.
    public var maxShortSide: Int = 720
    /// Hero clips never run faster than this; a faster source keeps every n-th frame.
    public var maxFrameRate: Int = 30
    /// libx264 CRF; with `maxBitrateKbps` it keeps a 15 s 720p clip, landscape or portrait,
    /// under 1.5 MB.
    public var crf: Int = 26
    /// Peak bitrate cap (VBV) for the clips, so hard-to-compress footage stays within budget.
    public var maxBitrateKbps: Int = 700
    /// Also write a VP9 WebM clip (listed after the MP4).
    public var webm: Bool = false
    /// libvpx-vp9 CRF for the WebM clip.
    public var webmCRF: Int = 36
    public var stillWidths: [Int] = [480, 960, 1600]
    public var posterWidths: [Int] = [1280, 640]
    /// WebP quality, 0…100.
    public var quality: Float = 80
    /// Pictures (stills, video frames) with more pixels than this are refused before they are
    /// decoded: a small file can hold a huge picture that takes gigabytes to decode.
    public var maxPixels: Int = 50_000_000
    /// Relative to the site root unless absolute; media lives in its `media/` folder.
    public var cacheDirectory: String = ".dropgen-cache"

    public init() {}
}
