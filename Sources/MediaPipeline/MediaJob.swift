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

    /// Everything that changes the output bytes, for the content hash.
    var parameters: [String] {
        ["clip", "\(codec)", "start=\(start)", "duration=\(duration)", "size=\(width)x\(height)",
         "fps=\(fps.map(String.init) ?? "source")", "crf=\(crf)", "maxrate=\(maxBitrateKbps)"]
    }
}

/// One frame of a video or a still image, oriented and scaled to an exact size.
struct FrameSpec: Sendable {
    enum Fit: String, Sendable {
        /// Scale to exactly width×height (callers keep the aspect ratio).
        case exact
        /// Scale to cover width×height, then crop the centre.
        case cover
    }
    var input: URL
    /// Seconds into a video; `nil` for a still.
    var seek: Double?
    /// ffmpeg filters that orient the decoded picture (EXIF orientation), applied before scaling.
    var orient: [String]
    var width: Int
    var height: Int
    var fit: Fit

    var parameters: [String] {
        ["frame", "seek=\(seek.map { "\($0)" } ?? "none")", "orient=\(orient.joined(separator: ","))",
         "size=\(width)x\(height)", "fit=\(fit.rawValue)"]
    }
}
