import Foundation

extension MediaPipeline {
    static let videoExtensions = ["mp4", "mov", "m4v", "webm", "mkv"]
    static let heroDurations: ClosedRange<Double> = 10...20
    static let ogSize = (width: 1200, height: 630)

    /// Validates a hero reference and returns every file it becomes, with final names and
    /// sizes, without encoding anything.
    public func planHero(_ request: HeroRequest) throws(MediaError) -> HeroPlan {
        let source = request.source
        // `source.key` names the `hero` mapping; tolerate being handed `hero.video` instead.
        let base = source.key.hasSuffix(".video") ? String(source.key.dropLast(6)) : source.key
        func key(_ field: String) -> String { "\(base).\(field)" }
        func line(_ field: String) -> Int? { request.lines[field] ?? source.line }
        func fail(_ field: String, _ message: String, detail: String? = nil) -> MediaError {
            MediaError(source, key: key(field), line: line(field), column: request.columns[field], message, detail: detail)
        }

        try checkInput(request.video, allowed: Self.videoExtensions, kind: "video", source: source,
                       key: key("video"), line: line("video"))
        let shown = displayPath(request.video)
        // ffprobe decodes a frame, but no larger than the cap allows: a video over it fails to
        // probe, and its container's header then says why.
        func checkHeader() throws(MediaError) {
            guard let size = MediaProbe.storedSize(request.video) else { return }
            try checkPixels(size.width, size.height, shown: shown, source: source, key: key("video"), line: line("video"))
        }
        let probe: MediaProbe
        do {
            probe = try MediaProbe.probe(request.video, maxPixels: options.maxPixels)
        } catch MediaProbe.Failure.unreadable(let result) {
            try checkHeader()
            throw fail("video", "not a readable video: \(shown)", detail: result.stderrTail)
        } catch MediaProbe.Failure.noVideoStream {
            try checkHeader()
            throw fail("video", "no video stream in \(shown)")
        } catch {
            throw fail("video", ToolNotFound.message(for: error, running: "ffprobe"))
        }
        try checkPixels(probe.width, probe.height, shown: shown, source: source, key: key("video"), line: line("video"))
        guard !probe.isStillImage, let length = probe.duration, length > 0 else {
            throw fail("video", "not a video: \(shown) (\(probe.formatName))")
        }

        for (field, value) in [("start", request.start), ("duration", request.duration), ("poster_at", request.posterAt)] {
            if let value, !value.isFinite || value < 0 {
                throw fail(field, "must not be negative, got \(value.secondsText)")
            }
        }
        guard Self.heroDurations.contains(request.duration) else {
            throw fail("duration", "must be between \(Self.heroDurations.lowerBound.secondsText) and "
                + "\(Self.heroDurations.upperBound.secondsText) seconds, got \(request.duration.secondsText)")
        }
        // A millisecond of slack: containers round their durations.
        guard request.start + request.duration <= length + 0.001 else {
            throw fail("duration", "start + duration = \((request.start + request.duration).secondsText) s "
                + "runs past the end of the video (\(length.secondsText) s)")
        }
        let frameDuration = 1 / (probe.frameRate ?? 25)
        let posterAt = request.posterAt ?? request.start + 0.5
        guard posterAt <= length - frameDuration else {
            throw fail("poster_at", "is beyond the end of the video (\(length.secondsText) s), got \(posterAt.secondsText)")
        }

        let digest = try digest(request.video, source: source, key: key("video"), line: line("video"))
        let stem = ContentHash.slug(request.video.deletingPathExtension().lastPathComponent)
        let display = (width: probe.displayWidth, height: probe.displayHeight)
        let clipSize = Self.clipSize(display.width, display.height, maxShortSide: options.maxShortSide)
        // Phone footage at 60 fps would double the bytes of a loop nobody watches that closely.
        let fps = (probe.frameRate ?? 0) > Double(options.maxFrameRate) + 0.5 ? options.maxFrameRate : nil
        let hdr = HDRInput(probe)
        let videoSource = MediaSource(file: source.file, line: line("video"), column: request.columns["video"] ?? source.column, key: key("video"))

        var clips: [VideoFile] = []
        var jobs: [MediaJob] = []
        for codec in options.webm ? [ClipSpec.Codec.h264, .vp9] : [.h264] {
            let spec = ClipSpec(input: request.video, start: request.start, duration: request.duration,
                                width: clipSize.width, height: clipSize.height, fps: fps, codec: codec,
                                crf: codec == .h264 ? options.crf : options.webmCRF,
                                maxBitrateKbps: options.maxBitrateKbps, hdr: hdr,
                                scaleMatrix: hdr == nil ? OutputColor.scaleMatrix(for: probe) : "")
            let ext = codec == .h264 ? "mp4" : "webm"
            let path = ContentHash.outputPath(stem: stem, ext: ext, inputDigest: digest, parameters: spec.parameters)
            clips.append(VideoFile(path: path, width: clipSize.width, height: clipSize.height,
                                   duration: request.duration, contentType: "video/\(ext)",
                                   sourceType: codec == .h264 ? Self.h264SourceType : #"video/webm; codecs="vp9""#))
            jobs.append(MediaJob(outputPath: path, source: videoSource, work: .clip(spec)))
        }

        let posterSource = MediaSource(file: source.file, line: line("poster_at"), column: request.columns["poster_at"], key: key("poster_at"))
        var posters: [ImageFile] = []
        for size in Self.posterSizes(options.posterWidths, clip: clipSize) {
            let spec = FrameSpec(input: request.video, seek: posterAt, orient: [], width: size.width, height: size.height,
                                 fit: .exact, hdr: hdr)
            let path = ContentHash.outputPath(stem: "\(stem)-poster-\(size.width)", ext: "webp", inputDigest: digest,
                                              parameters: spec.parameters + ["webp", "q=\(options.quality)"])
            posters.append(ImageFile(path: path, width: size.width, height: size.height, contentType: "image/webp"))
            jobs.append(MediaJob(outputPath: path, source: posterSource, work: .webp(spec, quality: options.quality)))
        }

        // 1200×630 whatever the clip: a landscape frame is cropped around its centre, a portrait
        // or square one is shown whole on a blurred copy of itself (cropping would keep a third).
        let og = FrameSpec(input: request.video, seek: posterAt, orient: [], width: Self.ogSize.width,
                           height: Self.ogSize.height, fit: display.width > display.height ? .cover : .letterbox, hdr: hdr)
        let ogQuality = 3  // ffmpeg's -q:v scale (2 best … 31 worst)
        let ogPath = ContentHash.outputPath(stem: "\(stem)-og", ext: "jpg", inputDigest: digest,
                                            parameters: og.parameters + ["jpeg", "q=\(ogQuality)"])
        jobs.append(MediaJob(outputPath: ogPath, source: posterSource, work: .jpeg(og, quality: ogQuality)))
        let ogImage = ImageFile(path: ogPath, width: og.width, height: og.height, contentType: "image/jpeg")
        return HeroPlan(clips: clips, posters: posters, ogImage: ogImage, jobs: jobs)
    }

    /// High profile, level 4.0: what the encoder is told to write (see `ClipSpec` arguments).
    static let h264SourceType = #"video/mp4; codecs="avc1.640028""#

    /// "720p" whichever way the phone was held: the short side at most `maxShortSide` and the
    /// long side at most 16:9 of that (1280×720, 720×1280, 720×720), aspect kept, both sides
    /// even (yuv420p), never upscaled.
    static func clipSize(_ width: Int, _ height: Int, maxShortSide: Int) -> (width: Int, height: Int) {
        let maxLongSide = Double(maxShortSide) * 16 / 9
        let short = Double(min(width, height)), long = Double(max(width, height))
        let scale = min(1, Double(maxShortSide) / short, maxLongSide / long)
        func even(_ value: Double) -> Int { max(2, Int((value / 2).rounded(.down)) * 2) }
        return (even(Double(width) * scale), even(Double(height) * scale))
    }

    /// Posters in the clip's orientation, largest first: `poster_widths` give the long side
    /// (1280 and 640: 1280×720 and 640×360 for a landscape clip, 720×1280 and 360×640 for a
    /// portrait one), never larger than the clip itself.
    static func posterSizes(_ longSides: [Int], clip: (width: Int, height: Int)) -> [(width: Int, height: Int)] {
        let landscape = clip.width >= clip.height
        let clipLong = landscape ? clip.width : clip.height
        return variantWidths(longSides, original: clipLong).reversed().map { long in
            if landscape { return (long, scaledHeight(width: long, original: clip)) }
            return (scaledHeight(width: long, original: (clip.height, clip.width)), long)
        }
    }

    /// The requested widths that fit inside the original, plus the original width when some
    /// requested width would have upscaled it; ascending, no duplicates.
    static func variantWidths(_ requested: [Int], original: Int) -> [Int] {
        var widths = Set(requested.filter { $0 > 0 && $0 < original })
        if requested.contains(where: { $0 >= original }) || widths.isEmpty { widths.insert(original) }
        return widths.sorted()
    }

    static func scaledHeight(width: Int, original: (width: Int, height: Int)) -> Int {
        max(1, Int((Double(width) * Double(original.height) / Double(original.width)).rounded()))
    }
}
