import Foundation

/// The header facts planning needs, read by ffprobe.
struct MediaProbe: Sendable {
    /// Stored size of the first video stream.
    var width: Int
    var height: Int
    /// Size as displayed: sample aspect ratio applied, then the container's rotation.
    var displayWidth: Int
    var displayHeight: Int
    /// Seconds; `nil` for still images.
    var duration: Double?
    var frameRate: Double?
    var formatName: String
    var codecName: String
    /// The stream's colour description as ffprobe names it (`bt2020`, `arib-std-b67`, `bt2020nc`,
    /// `tv`), `nil` when the stream does not say.
    var colorPrimaries: String?
    var colorTransfer: String?
    var colorSpace: String?
    var colorRange: String?

    /// HLG (`arib-std-b67`) and PQ (`smpte2084`): what phones record HDR video in.
    var isHDR: Bool { colorTransfer.map(HDRInput.transfers.contains) ?? false }

    enum Failure: Error {
        case unreadable(ToolResult)
        case noVideoStream
    }

    /// `maxPixels`: ffprobe's decoders refuse larger pictures instead of allocating them (a
    /// probe decodes a frame of some formats).
    static func probe(_ url: URL, maxPixels: Int = MediaOptions().maxPixels) throws -> MediaProbe {
        let result = try ToolRunner.run("ffprobe", [
            "-v", "error", "-max_pixels", String(min(maxPixels, Int(Int32.max))),
            "-print_format", "json", "-show_format", "-show_streams", url.path,
        ])
        guard result.status == 0,
              let output = try? JSONDecoder().decode(Output.self, from: result.stdout),
              let format = output.format
        else { throw Failure.unreadable(result) }
        guard let stream = output.streams?.first(where: {
            $0.codec_type == "video" && ($0.disposition?["attached_pic"] ?? 0) == 0
                && ($0.width ?? 0) > 0 && ($0.height ?? 0) > 0
        }), let width = stream.width, let height = stream.height
        else { throw Failure.noVideoStream }

        var displayWidth = width
        if let sar = ratio(stream.sample_aspect_ratio), sar > 0, abs(sar - 1) > 1e-6 {
            displayWidth = Int((Double(width) * sar).rounded())
        }
        var displayHeight = height
        // ffmpeg rotates by the display matrix while decoding (autorotate), so plan for it.
        let rotation = stream.side_data_list?.compactMap(\.rotation).first
            ?? stream.tags?["rotate"].flatMap(Double.init) ?? 0
        if Int(rotation.rounded()).quotientAndRemainder(dividingBy: 180).remainder != 0 {
            swap(&displayWidth, &displayHeight)
        }
        let duration = format.duration.flatMap(Double.init) ?? stream.duration.flatMap(Double.init)
        let frameRate = ratio(stream.avg_frame_rate) ?? ratio(stream.r_frame_rate)
        return MediaProbe(width: width, height: height, displayWidth: displayWidth, displayHeight: displayHeight,
                          duration: duration, frameRate: frameRate, formatName: format.format_name ?? "",
                          codecName: stream.codec_name ?? "", colorPrimaries: known(stream.color_primaries),
                          colorTransfer: known(stream.color_transfer), colorSpace: known(stream.color_space),
                          colorRange: known(stream.color_range))
    }

    /// The first video stream's stored size as the container's header gives it, decoding
    /// nothing (`-nofind_stream_info`); nil when the header does not say, or ffprobe fails.
    static func storedSize(_ url: URL) -> (width: Int, height: Int)? {
        guard let result = try? ToolRunner.run("ffprobe", [
            "-v", "error", "-nofind_stream_info", "-select_streams", "V", "-print_format", "json", "-show_streams", url.path,
        ]), result.status == 0, let output = try? JSONDecoder().decode(Output.self, from: result.stdout) else { return nil }
        guard let stream = output.streams?.first(where: { ($0.width ?? 0) > 0 && ($0.height ?? 0) > 0 }),
              let width = stream.width, let height = stream.height else { return nil }
        return (width, height)
    }

    /// Image demuxers (`image2`, `png_pipe`, …) and single-picture codecs are not video, even
    /// when ffprobe reports a "video" stream for them.
    var isStillImage: Bool {
        formatName.hasPrefix("image2") || formatName.hasSuffix("_pipe")
            || ["png", "mjpeg", "webp", "gif", "bmp", "tiff"].contains(codecName) && (duration ?? 0) < 0.5
    }

    /// ffprobe prints `unknown` (or nothing) where the stream says nothing.
    private static func known(_ text: String?) -> String? {
        guard let text, !text.isEmpty, text != "unknown", text != "reserved" else { return nil }
        return text
    }

    private static func ratio(_ text: String?) -> Double? {
        guard let text else { return nil }
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "/" }).compactMap { Double($0) }
        guard parts.count == 2, parts[1] != 0, parts[0] > 0 else { return nil }
        return parts[0] / parts[1]
    }

    // Field names follow ffprobe's JSON.
    private struct Output: Decodable {
        var streams: [Stream]?
        var format: Format?
    }

    private struct Stream: Decodable {
        var codec_type: String?
        var codec_name: String?
        var width: Int?
        var height: Int?
        var duration: String?
        var avg_frame_rate: String?
        var r_frame_rate: String?
        var sample_aspect_ratio: String?
        var tags: [String: String]?
        var side_data_list: [SideData]?
        var disposition: [String: Int]?
        var color_primaries: String?
        var color_transfer: String?
        var color_space: String?
        var color_range: String?
    }

    private struct SideData: Decodable {
        var rotation: Double?
    }

    private struct Format: Decodable {
        var format_name: String?
        var duration: String?
    }
}
