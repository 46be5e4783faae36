import Foundation

/// One output file to produce. Opaque to callers: hand the jobs of every plan to `process`.
/// Two jobs are the same job when they write the same path (the path already carries the hash
/// of the input and every parameter).
public struct MediaJob: Sendable, Hashable {
    /// Relative to the output root, e.g. `media/mug-960.0123abcd4567ef89.webp`.
    public let outputPath: String
    let source: MediaSource
    let work: Work

    enum Work: Sendable {
        case clip(ClipSpec)
        case webp(FrameSpec, quality: Float)
        case jpeg(FrameSpec, quality: Int)
    }

    init(outputPath: String, source: MediaSource, work: Work) {
        self.outputPath = outputPath
        self.source = source
        self.work = work
    }

    public static func == (lhs: MediaJob, rhs: MediaJob) -> Bool { lhs.outputPath == rhs.outputPath }
    public func hash(into hasher: inout Hasher) { hasher.combine(outputPath) }

    /// Output file name, which is also the cache key.
    var fileName: String { outputPath.split(separator: "/").last.map(String.init) ?? outputPath }
}

/// A trimmed, scaled, silent clip.
struct ClipSpec: Sendable {
    enum Codec: Sendable { case h264, vp9 }
    var input: URL
    var start: Double
    var duration: Double
    var width: Int
    var height: Int
    /// Frame-rate cap, applied only when the source is faster.
    var fps: Int?
    var codec: Codec
    var crf: Int
    var maxBitrateKbps: Int
    /// Tone-mapped to BT.709 when the source is HLG or PQ; SDR is left as it is.
    var hdr: HDRInput?
    /// Extra scaler options that convert a BT.601 matrix to BT.709 (`OutputColor.scaleMatrix`).
    var scaleMatrix: String = ""

    /// Everything that changes the output bytes, for the content hash.
    var parameters: [String] {
        ["clip", "\(codec)", "start=\(start)", "duration=\(duration)", "size=\(width)x\(height)",
         "fps=\(fps.map(String.init) ?? "source")", "crf=\(crf)", "maxrate=\(maxBitrateKbps)",
         hdr?.parameter ?? "sdr", "matrix=\(scaleMatrix)", "color=bt709"]
    }
}

/// One frame of a video or a still image, oriented and scaled to an exact size.
struct FrameSpec: Sendable {
    enum Fit: String, Sendable {
        /// Scale to exactly width×height (callers keep the aspect ratio).
        case exact
        /// Scale to cover width×height, then crop the centre.
        case cover
        /// The whole picture, as tall as height, centred on a blurred copy of itself that
        /// covers width×height: a portrait frame in a landscape box, nothing cut off.
        case letterbox
    }
    /// Who decodes the input: ffmpeg (video frames, JPEG, PNG, WebP) or libheif in-process
    /// (HEIC, HEIF, AVIF).
    enum Decoder: String, Sendable {
        case ffmpeg
        case heif
    }
    var input: URL
    /// Seconds into a video; `nil` for a still.
    var seek: Double?
    /// ffmpeg filters that orient the decoded picture (EXIF orientation), applied before scaling.
    var orient: [String]
    var width: Int
    var height: Int
    var fit: Fit
    /// A video frame of an HDR clip, tone-mapped as the clip is.
    var hdr: HDRInput? = nil
    var decoder: Decoder = .ffmpeg
    /// The pixel cap libheif checks again before decoding (not in the hash: it changes no bytes).
    var maxPixels: Int = MediaOptions().maxPixels

    var parameters: [String] {
        ["frame", "seek=\(seek.map { "\($0)" } ?? "none")", "orient=\(orient.joined(separator: ","))",
         "size=\(width)x\(height)", "fit=\(fit.rawValue)", hdr?.parameter ?? "sdr", "decoder=\(decoder.rawValue)"]
    }
}
