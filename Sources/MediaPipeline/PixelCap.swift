import Foundation

/// Decompression bombs: a few hundred kilobytes of PNG can hold 12000×12000 pixels, and decoding
/// them takes gigabytes. Every image and video is measured from its header first (ffprobe with
/// `-nofind_stream_info` for videos, which reads the container and decodes nothing) and refused
/// above `MediaOptions.maxPixels` before anything decodes it. ffprobe also gets `-max_pixels`,
/// so a format read past the header cannot allocate more either.
enum ImageHeader {
    /// Stored width and height from a PNG, JPEG or GIF header; nil for anything else (WebP has
    /// `WebPCodec.info`).
    static func size(_ data: Data) -> (width: Int, height: Int)? {
        data.withUnsafeBytes { raw -> (width: Int, height: Int)? in
            let bytes = raw.bindMemory(to: UInt8.self)
            func be16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
            func be32(_ at: Int) -> Int { be16(at) << 16 | be16(at + 2) }
            func le16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
            let count = bytes.count
            // PNG: the signature, then the IHDR chunk: length, "IHDR", width, height.
            if count >= 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
               bytes[12...15].elementsEqual("IHDR".utf8) {
                return (be32(16), be32(20))
            }
            // GIF: "GIF87a" or "GIF89a", then the logical screen's width and height.
            if count >= 10, bytes.starts(with: Array("GIF8".utf8)) { return (le16(6), le16(8)) }
            // JPEG: segments after SOI up to a start-of-frame (SOF0…SOF15 but DHT, JPG, DAC).
            guard count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
            var index = 2
            while index + 4 <= count {
                guard bytes[index] == 0xFF else { return nil }
                let marker = bytes[index + 1]
                if marker == 0xFF { index += 1; continue }  // fill byte
                if marker == 0x01 || (0xD0...0xD8).contains(marker) { index += 2; continue }  // no length
                if marker == 0xD9 || marker == 0xDA { return nil }  // end of image, start of scan
                let length = be16(index + 2)
                if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                    guard index + 9 <= count else { return nil }
                    return (be16(index + 7), be16(index + 5))
                }
                guard length >= 2 else { return nil }
                index += 2 + length
            }
            return nil
        }
    }
}

extension MediaPipeline {
    /// Refuses a picture of `width`×`height` over the cap, naming the file and the cap's key.
    func checkPixels(_ width: Int, _ height: Int, shown: String, source: MediaSource, key: String? = nil,
                     line: Int? = nil) throws(MediaError) {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard overflow || pixels > options.maxPixels else { return }
        let count = overflow ? "more than \(Int.max)" : Self.megapixels(pixels)
        throw MediaError(source, key: key, line: line,
                         "\(shown) is \(width)×\(height) (\(count) megapixels), over the \(Self.megapixels(options.maxPixels)) megapixel cap (media.max_pixels)")
    }

    /// `144`, `50`, `12.3`, `0.06`: three significant digits, never an exponent.
    static func megapixels(_ pixels: Int) -> String {
        let value = Double(pixels) / 1_000_000
        return String(format: value >= 100 ? "%.0f" : "%.3g", value)
    }
}
