import Foundation

extension MediaJob {
    /// Produces this job's file at `destination` (a temporary path the caller renames).
    func encode(to destination: URL, shownInput: String) async throws {
        do {
            switch work {
            case .clip(let spec):
                try await runFFmpeg(Self.clipArguments(spec, output: destination.path))
            case .jpeg(let frame, let quality):
                try await runFFmpeg(FrameDecoder.inputArguments(frame) + [
                    "-c:v", "mjpeg", "-q:v", String(quality), "-pix_fmt", "yuvj420p",
                    "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
                    "-f", "mjpeg", destination.path,
                ])
            case .webp(let frame, let quality) where frame.decoder == .heif:
                let picture = try HEIFDecoder.decode(Data(contentsOf: frame.input, options: .mappedIfSafe), maxPixels: frame.maxPixels)
                let webp = try WebPCodec.encode(rgba: picture.rgba, width: picture.width, height: picture.height,
                                                scaledTo: (frame.width, frame.height), quality: quality)
                try webp.write(to: destination)
            case .webp(let frame, let quality):
                let pixels = try await FrameDecoder.decode(frame)
                let webp = try WebPCodec.encode(rgba: pixels, width: frame.width, height: frame.height, quality: quality)
                try webp.write(to: destination)
            }
        } catch let failure as FrameDecoder.Failure {
            throw MediaError(source, "ffmpeg failed (exit \(failure.status)) making \(outputPath) from \(shownInput)",
                             detail: failure.detail)
        } catch let failure as HEIFDecoder.Failure {
            throw MediaError(source, "not a readable HEIF image: \(shownInput) (\(failure.message))")
        } catch let failure as ToolNotFound {
            throw MediaError(source, ToolNotFound.message(for: failure, running: failure.tool))
        } catch let failure as WebPError {
            throw MediaError(source, "WebP encoding failed for \(outputPath): \(failure.message)")
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as MediaError {
            throw error
        } catch {
            throw MediaError(source, "cannot write \(outputPath): \(error.localizedDescription)")
        }
    }

    private func runFFmpeg(_ arguments: [String]) async throws {
        let result = try await ToolRunner.run("ffmpeg", arguments)
        guard result.status == 0 else { throw FrameDecoder.Failure(status: result.status, detail: result.stderrTail) }
    }

    /// Exact trim (input seek + output duration, re-encoded), scaled, silent, yuv420p, no
    /// metadata or version strings, so the same input gives the same bytes.
    static func clipArguments(_ spec: ClipSpec, output: String) -> [String] {
        // Scaled first (HDR stays 10-bit through the scaler), so tone mapping works on the
        // output's pixels only; autorotate has already turned a phone clip upright.
        var filters = ["scale=\(spec.width):\(spec.height):flags=lanczos\(spec.scaleMatrix)", "setsar=1"]
        filters += spec.hdr?.filters ?? []
        if let fps = spec.fps { filters.append("fps=\(fps)") }
        var arguments = [
            "-nostdin", "-hide_banner", "-v", "error", "-y",
            "-ss", String(format: "%.6f", spec.start), "-i", spec.input.path,
            "-t", String(format: "%.6f", spec.duration),
            "-map", "0:v:0", "-an", "-sn", "-dn", "-vf", filters.joined(separator: ","),
            "-pix_fmt", "yuv420p",
        ] + OutputColor.arguments + [
            "-map_metadata", "-1", "-map_chapters", "-1",
            "-fflags", "+bitexact", "-flags:v", "+bitexact",
        ]
        switch spec.codec {
        case .h264:
            // Capped CRF: quality-driven, but VBV keeps hard footage inside the byte budget.
            arguments += [
                "-c:v", "libx264", "-preset", "medium", "-crf", String(spec.crf),
                "-maxrate", "\(spec.maxBitrateKbps)k", "-bufsize", "\(spec.maxBitrateKbps)k",
                "-profile:v", "high", "-level:v", "4.0",  // matches MediaPipeline.h264SourceType
                "-movflags", "+faststart", "-f", "mp4",
            ]
        case .vp9:
            arguments += [
                "-c:v", "libvpx-vp9", "-crf", String(spec.crf), "-b:v", "\(spec.maxBitrateKbps)k",
                "-deadline", "good", "-cpu-used", "4", "-row-mt", "1", "-f", "webm",
            ]
        }
        return arguments + [output]
    }
}
