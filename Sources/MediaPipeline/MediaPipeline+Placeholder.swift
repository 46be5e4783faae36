import Foundation

extension MediaPipeline {
    static let placeholderWidth = 20
    static let placeholderLimit = 1024

    /// The LQIP data URI. Pages need it while rendering, so it is made during planning; it is
    /// cached beside the widest variant (`<variant name>.lqip`) so a rebuild decodes nothing.
    /// Decoding the whole picture here also proves the file is not corrupt before any work.
    func placeholder(for url: URL, orientation: EXIFOrientation, display: (width: Int, height: Int),
                     decoder: FrameSpec.Decoder = .ffmpeg, cacheName: String, source: MediaSource) throws(MediaError) -> String {
        let cached = cacheDirectory.appendingPathComponent(cacheName + ".lqip")
        if let text = try? String(contentsOf: cached, encoding: .utf8), text.hasPrefix("data:image/webp;base64,") {
            return text
        }
        let width = min(Self.placeholderWidth, display.width)
        let height = Self.scaledHeight(width: width, original: display)
        let frame = FrameSpec(input: url, seek: nil, orient: orientation.filters, width: width, height: height, fit: .exact)
        let pixels: [UInt8]
        do {
            if decoder == .heif {
                let picture = try HEIFDecoder.decode(Data(contentsOf: url, options: .mappedIfSafe), maxPixels: options.maxPixels)
                pixels = try WebPCodec.rescale(rgba: picture.rgba, width: picture.width, height: picture.height,
                                               to: (width, height))
            } else {
                pixels = try FrameDecoder.decode(frame)
            }
        } catch let failure as HEIFDecoder.Failure {
            throw MediaError(source, "not a readable HEIF image: \(displayPath(url)) (\(failure.message))")
        } catch let failure as FrameDecoder.Failure {
            throw MediaError(source, "not a readable image: \(displayPath(url))", detail: failure.detail)
        } catch {
            throw MediaError(source, ToolNotFound.message(for: error, running: "ffmpeg"))
        }
        let blurred = RGBABlur.boxBlur(pixels, width: width, height: height, radius: 1, passes: 2)
        // Lower the quality until it fits; a blurred 20 px picture stays recognisable.
        var uri = ""
        for quality: Float in [40, 25, 10, 0] {
            guard let webp = try? WebPCodec.encode(rgba: blurred, width: width, height: height, quality: quality) else {
                continue
            }
            uri = "data:image/webp;base64," + webp.base64EncodedString()
            if uri.utf8.count < Self.placeholderLimit { break }
        }
        guard !uri.isEmpty else { throw MediaError(source, "cannot encode a placeholder for \(displayPath(url))") }
        try? writeAtomically(Data(uri.utf8), to: cached)  // a cache miss next time is harmless
        return uri
    }
}
