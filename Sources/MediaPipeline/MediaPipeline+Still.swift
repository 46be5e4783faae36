import Foundation

extension MediaPipeline {
    static let imageExtensions = ["jpg", "jpeg", "png", "webp", "heic", "heif", "avif"]
    /// Read by libheif in-process; the others by ffmpeg (WebP's header by libwebp).
    static let heifExtensions: Set<String> = ["heic", "heif", "avif"]

    /// Validates a still and returns its responsive variants (final names and sizes) and its
    /// placeholder, without encoding the variants.
    public func planStill(_ request: StillRequest) throws(MediaError) -> StillPlan {
        let source = request.source
        let url = request.image
        try checkInput(url, allowed: Self.imageExtensions, kind: "image", source: source, key: source.key, line: source.line)
        let shown = displayPath(url)
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw MediaError(source, "cannot read \(shown): \(error.localizedDescription)")
        }

        // Stored size from the header; EXIF orientation (JPEG) decides the displayed size.
        var stored: (width: Int, height: Int)
        var orientation = EXIFOrientation.normal
        let decoder: FrameSpec.Decoder = Self.heifExtensions.contains(url.pathExtension.lowercased()) ? .heif : .ffmpeg
        if decoder == .heif {
            // The header (irot/imir applied) is read without decoding; the placeholder below
            // decodes the whole picture, which proves the file is not corrupt.
            let header: HEIFDecoder.Header
            do {
                header = try HEIFDecoder.header(data)
            } catch {
                throw MediaError(source, "not a readable HEIF image: \(shown) (\(error.message))")
            }
            try checkPixels(header.width, header.height, shown: shown, source: source)
            stored = (header.width, header.height)
            orientation = header.orientation
        } else if url.pathExtension.lowercased() == "webp" {
            guard let info = WebPCodec.info(data) else { throw MediaError(source, "not a readable WebP image: \(shown)") }
            try checkPixels(info.width, info.height, shown: shown, source: source)
            stored = info
        } else {
            // Measured from the header before ffprobe or ffmpeg decode anything.
            if let size = ImageHeader.size(data) { try checkPixels(size.width, size.height, shown: shown, source: source) }
            do {
                let probe = try MediaProbe.probe(url, maxPixels: options.maxPixels)
                guard probe.isStillImage else { throw MediaError(source, "not a still image: \(shown) (\(probe.formatName))") }
                try checkPixels(probe.width, probe.height, shown: shown, source: source)
                stored = (probe.width, probe.height)
            } catch let error as MediaError {
                throw error
            } catch MediaProbe.Failure.unreadable(let result) {
                throw MediaError(source, "not a readable image: \(shown)", detail: result.stderrTail)
            } catch MediaProbe.Failure.noVideoStream {
                throw MediaError(source, "not a readable image: \(shown)")
            } catch {
                throw MediaError(source, ToolNotFound.message(for: error, running: "ffprobe"))
            }
            orientation = EXIFOrientation.read(jpeg: data)
        }
        let display = orientation.swapsDimensions ? (width: stored.height, height: stored.width) : stored

        let digest = ContentHash.digest(data)  // already in memory (mapped); no second read
        let stem = ContentHash.slug(url.deletingPathExtension().lastPathComponent)
        var variants: [ImageFile] = []
        var jobs: [MediaJob] = []
        for width in Self.variantWidths(options.stillWidths, original: display.width) {
            let height = Self.scaledHeight(width: width, original: display)
            // For libheif the orientation is applied in memory; its filters' names still go
            // into the hash.
            var spec = FrameSpec(input: url, seek: nil, orient: orientation.filters, width: width, height: height, fit: .exact,
                                 decoder: decoder)
            spec.maxPixels = options.maxPixels
            let path = ContentHash.outputPath(stem: "\(stem)-\(width)", ext: "webp", inputDigest: digest,
                                              parameters: spec.parameters + ["webp", "q=\(options.quality)"])
            variants.append(ImageFile(path: path, width: width, height: height, contentType: "image/webp"))
            jobs.append(MediaJob(outputPath: path, source: source, work: .webp(spec, quality: options.quality)))
        }
        guard let widest = variants.last else { throw MediaError(source, "image has no pixels: \(shown)") }

        let placeholder = try placeholder(for: url, orientation: orientation, display: display, decoder: decoder,
                                          cacheName: jobs[jobs.count - 1].fileName, source: source)
        return StillPlan(variants: variants, width: widest.width, height: widest.height,
                         placeholder: placeholder, jobs: jobs)
    }
}
