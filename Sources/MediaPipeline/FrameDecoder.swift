import Foundation

/// Decodes one picture (a still, or a video frame at a time) with ffmpeg into RGBA bytes of
/// exactly the planned size, oriented and scaled (lanczos) on the way.
enum FrameDecoder {
    struct Failure: Error, Sendable {
        var status: Int32
        var detail: String
    }

    /// Arguments that read `frame.input` and apply its orientation and scaling; the caller adds
    /// the output. Video frames use ffmpeg's autorotate (the display matrix, as ffprobe
    /// reported it); stills are decoded as stored and oriented by the EXIF filters, because
    /// ffmpeg 5.1 applies only some EXIF orientations by itself.
    static func inputArguments(_ frame: FrameSpec) -> [String] {
        var arguments = ["-nostdin", "-hide_banner", "-v", "error", "-y"]
        if let seek = frame.seek {
            arguments += ["-ss", String(format: "%.6f", seek)]
        } else {
            arguments += ["-noautorotate"]
        }
        let size = "\(frame.width):\(frame.height)"
        let cover = ["scale=\(size):force_original_aspect_ratio=increase:flags=lanczos", "crop=\(size)"]
        let scale = switch frame.fit {
        case .exact: ["scale=\(size):flags=lanczos"]
        case .cover: cover
        case .letterbox:
            // One input, one output: ffmpeg takes this graph as a simple -vf.
            ["split[whole][back];[back]" + cover.joined(separator: ",") + ",boxblur=20:2[blurred];"
                + "[whole]scale=-2:\(frame.height):flags=lanczos[fitted];[blurred][fitted]overlay=(W-w)/2:(H-h)/2"]
        }
        arguments += ["-i", frame.input.path, "-map", "0:v:0", "-frames:v", "1",
                      "-vf", (frame.orient + (frame.hdr?.filters ?? []) + scale).joined(separator: ",")]
        return arguments
    }

    static func rawArguments(_ frame: FrameSpec) -> [String] {
        inputArguments(frame) + ["-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"]
    }

    /// Blocking, for planning (the placeholder).
    static func decode(_ frame: FrameSpec) throws -> [UInt8] {
        try check(ToolRunner.run("ffmpeg", rawArguments(frame)), frame)
    }

    static func decode(_ frame: FrameSpec) async throws -> [UInt8] {
        try check(await ToolRunner.run("ffmpeg", rawArguments(frame)), frame)
    }

    private static func check(_ result: ToolResult, _ frame: FrameSpec) throws -> [UInt8] {
        let expected = frame.width * frame.height * 4
        guard result.status == 0, result.stdout.count == expected else {
            let detail = result.status == 0
                ? "ffmpeg produced \(result.stdout.count) bytes, expected \(expected) (no frame at that time?)"
                : result.stderrTail
            throw Failure(status: result.status, detail: detail)
        }
        return [UInt8](result.stdout)
    }
}
