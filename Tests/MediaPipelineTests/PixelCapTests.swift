import Foundation
import Testing
@testable import MediaPipeline

/// Decompression bombs: pictures over `media.max_pixels` are refused from their headers, before
/// ffprobe or ffmpeg decode a pixel.
@Suite struct PixelCapTests {
    let fixtures: Fixtures
    init() async { fixtures = await Fixtures.shared() }
    let still = MediaSource(file: "content/drops/mug.md", line: 9, key: "images[1].src")

    /// 12000×12000 black pixels in under a megabyte (zlib at level 9 makes 140 KB of it):
    /// decoding it took over a gigabyte.
    static let bomb: URL = {
        let url = Fixtures.site.drop("bomb.png")
        try! BlackPNG.make(width: 12000, height: 12000).write(to: url)
        return url
    }()

    func planStill(_ url: URL, maxPixels: Int? = nil) throws(MediaError) -> StillPlan {
        let (pipeline, _) = makePipeline { if let maxPixels { $0.maxPixels = maxPixels } }
        return try pipeline.planStill(StillRequest(source: still, image: url))
    }

    @Test func aHugePNGIsRefusedFromItsHeader() throws {
        let data = try Data(contentsOf: Self.bomb)
        #expect(data.count < 1_000_000)
        #expect(ImageHeader.size(data)! == (12000, 12000))
        // ffprobe agrees that it is a valid PNG of that size.
        let probe = try ffprobe(Self.bomb)
        let stream = try #require((probe["streams"] as? [[String: Any]])?.first)
        #expect(stream["codec_name"] as? String == "png")
        let error = try #require(throws: MediaError.self) { try planStill(Self.bomb) }
        #expect(error.description
            == "content/drops/mug.md:9: images[1].src: content/drops/bomb.png is 12000×12000 (144 megapixels), over the 50 megapixel cap (media.max_pixels)")
    }

    /// The cap is `media.max_pixels`: at the cap a picture is planned, one pixel fewer refuses it.
    @Test func theCapIsConfigurable() throws {
        let small = fixtures.drop("small.png")  // 300×200
        _ = try planStill(small, maxPixels: 60_000)
        let error = try #require(throws: MediaError.self) { try planStill(small, maxPixels: 59_999) }
        #expect(error.message == "content/drops/small.png is 300×200 (0.06 megapixels), over the 0.06 megapixel cap (media.max_pixels)")
        let photo = try #require(throws: MediaError.self) { try planStill(fixtures.drop("rotated.jpg"), maxPixels: 100_000) }
        #expect(photo.message == "content/drops/rotated.jpg is 600×300 (0.18 megapixels), over the 0.1 megapixel cap (media.max_pixels)")
    }

    /// A video over the cap: ffprobe, capped too, cannot decode it, and the container's header
    /// says how large it is.
    @Test func aVideoOverTheCapIsRefused() throws {
        let (pipeline, _) = makePipeline { $0.maxPixels = 50_000 }
        let request = HeroRequest(source: dropSource, video: fixtures.drop("clip.mp4"), start: 0, duration: 10, posterAt: nil, lines: [:])
        let error = try #require(throws: MediaError.self) { try pipeline.planHero(request) }
        #expect(error.description
            == "content/drops/mug.md:7: hero.video: content/drops/clip.mp4 is 320×180 (0.0576 megapixels), over the 0.05 megapixel cap (media.max_pixels)")
        let (uncapped, _) = makePipeline { $0.maxPixels = 57_600 }
        _ = try uncapped.planHero(request)
    }

    @Test func headersOfEachFormat() throws {
        #expect(ImageHeader.size(try Data(contentsOf: fixtures.drop("photo.jpg")))! == (2000, 1200))
        // An EXIF segment before the frame header is skipped.
        #expect(ImageHeader.size(try Data(contentsOf: fixtures.drop("rotated.jpg")))! == (600, 300))
        #expect(ImageHeader.size(try Data(contentsOf: fixtures.drop("small.png")))! == (300, 200))
        #expect(ImageHeader.size(Data("GIF89a".utf8) + Data([0xE0, 0x2E, 0x10, 0x27, 0, 0]))! == (12000, 10000))
        for junk in [Data(), Data("not an image".utf8), Data([0xFF, 0xD8, 0xFF]), Data([0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11])] {
            #expect(ImageHeader.size(junk) == nil)
        }
    }
}

/// A valid PNG of 8-bit gray pixels, all black: every byte of the image data (filter bytes
/// included) is zero, so deflate's fixed codes write it as one literal and then 258-byte copies
/// at distance 1, 13 bits each.
enum BlackPNG {
    static func make(width: Int, height: Int) -> Data {
        let raw = height * (width + 1)
        var bits = BitWriter()
        bits.write(1, count: 1)  // last block
        bits.write(1, count: 2)  // fixed Huffman codes
        func literalZero() { bits.writeCode(0x30, length: 8) }
        literalZero()
        var left = raw - 1
        while left >= 258 {
            bits.writeCode(0xC5, length: 8)  // length 258 (code 285)
            bits.writeCode(0, length: 5)  // distance 1
            left -= 258
        }
        for _ in 0..<left { literalZero() }
        bits.writeCode(0, length: 7)  // end of block
        var zlib: [UInt8] = [0x78, 0x01] + bits.finished
        // Adler-32 of zeros: a stays 1, b adds 1 per byte.
        let adler = UInt32(raw % 65521) << 16 | 1
        zlib += bigEndian(adler)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return Data(png)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// Deflate's bit order: values least significant bit first, Huffman codes most significant first.
    struct BitWriter {
        var bytes: [UInt8] = []
        private var current: UInt32 = 0
        private var filled = 0

        mutating func write(_ value: UInt32, count: Int) {
            for index in 0..<count {
                current |= ((value >> index) & 1) << filled
                filled += 1
                if filled == 8 { bytes.append(UInt8(current)); current = 0; filled = 0 }
            }
        }

        mutating func writeCode(_ code: UInt32, length: Int) {
            var reversed: UInt32 = 0
            for index in 0..<length { reversed |= ((code >> index) & 1) << (length - 1 - index) }
            write(reversed, count: length)
        }

        var finished: [UInt8] { filled == 0 ? bytes : bytes + [UInt8(current)] }
    }
}
