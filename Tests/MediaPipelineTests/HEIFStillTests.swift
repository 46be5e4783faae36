import CHeif
import Foundation
import Testing
@testable import MediaPipeline

/// HEIC, HEIF and AVIF stills: decoded by libheif, oriented, and turned into the same WebP
/// variants and placeholder as a JPEG of the same picture.
@Suite struct HEIFStillTests {
    let fixtures: Fixtures
    init() async { fixtures = await Fixtures.shared() }

    /// The stored picture of every file here: 600×300, blue with a red square at the top left,
    /// shown rotated 90° clockwise (300×600, the square at the top right).
    @Test(arguments: ["rotated.jpg", "exif-rotated.heic", "irot.heic"])
    func orientedLikeTheJPEG(_ name: String) async throws {
        if name == "irot.heic" { try Self.writeIrotHEIC(to: fixtures.drop(name)) }
        let (pipeline, output) = makePipeline { $0.stillWidths = [100, 200] }
        let plan = try pipeline.planStill(StillRequest(source: dropSource, image: fixtures.drop(name)))
        #expect(plan.variants.map { [$0.width, $0.height] } == [[100, 200], [200, 400]])
        #expect(plan.width == 200 && plan.height == 400)
        #expect(plan.placeholder.hasPrefix("data:image/webp;base64,") && plan.placeholder.utf8.count < 1024)
        let placeholder = try #require(Data(base64Encoded: String(plan.placeholder.dropFirst("data:image/webp;base64,".count))))
        #expect(webpSize(placeholder).map { [$0.width, $0.height] } == [20, 40])

        _ = try await pipeline.process(plan.jobs, outputRoot: output)
        let widest = output.appendingPathComponent(plan.variants[1].path)
        #expect(try webpSize(widest).map { [$0.width, $0.height] } == [200, 400])
        let topRight = try #require(try webpPixel(widest, x: 190, y: 10))
        let topLeft = try #require(try webpPixel(widest, x: 10, y: 10))
        #expect(topRight[0] > 180 && topRight[2] < 80, "red square at the top right: \(topRight)")
        #expect(topLeft[0] < 80 && topLeft[2] > 180, "blue at the top left: \(topLeft)")
    }

    /// HEIF pictures are oriented in memory, JPEGs by ffmpeg's filters: both must agree for
    /// every EXIF value (a 3×2 picture of distinct pixels, compared pixel for pixel).
    @Test(arguments: 1...8) func inMemoryOrientationMatchesTheFilters(_ value: Int) throws {
        var stored: [UInt8] = []
        for index in 0..<6 { stored += [UInt8(index * 40), UInt8(255 - index * 40), UInt8(index), 255] }
        let orientation = EXIFOrientation(value: value)
        let turned = orientation.apply(to: HEIFDecoder.Picture(rgba: stored, width: 3, height: 2))
        let raw = fixtures.root.appendingPathComponent("orient-\(value).rgba")
        try Data(stored).write(to: raw)
        defer { try? FileManager.default.removeItem(at: raw) }
        var arguments = ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", "3x2", "-i", raw.path]
        if !orientation.filters.isEmpty { arguments += ["-vf", orientation.filters.joined(separator: ",")] }
        let expected = try ffmpeg(arguments + ["-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"])
        let size: [Int] = orientation.swapsDimensions ? [2, 3] : [3, 2]
        #expect([turned.width, turned.height] == size)
        #expect(turned.rgba == [UInt8](expected))
    }

    @Test func avifIsReadByTheSameLibrary() async throws {
        let (pipeline, output) = makePipeline { $0.stillWidths = [300] }
        let plan = try pipeline.planStill(StillRequest(source: dropSource, image: fixtures.drop("stored.avif")))
        #expect(plan.variants.map { [$0.width, $0.height] } == [[300, 150]])
        _ = try await pipeline.process(plan.jobs, outputRoot: output)
        let pixel = try #require(try webpPixel(output.appendingPathComponent(plan.variants[0].path), x: 10, y: 10))
        #expect(pixel[0] > 180 && pixel[2] < 80, "red square at the top left: \(pixel)")
    }

    /// Refused while planning, naming the drop file and key: a damaged file, and one over the cap.
    @Test func damagedOrOversizeHEICIsRefusedBeforeWork() throws {
        let whole = try Data(contentsOf: fixtures.drop("exif-rotated.heic"))
        let truncated = fixtures.drop("truncated.heic")
        try whole.prefix(whole.count - 200).write(to: truncated)
        let garbage = fixtures.drop("garbage.heic")
        try Data("not a HEIF file at all".utf8).write(to: garbage)
        let source = MediaSource(file: "content/drops/mug.md", line: 9, column: 12, key: "images[0].src")
        let (pipeline, _) = makePipeline()
        for (url, message) in [
            (garbage, "not a readable HEIF image: content/drops/garbage.heic (Invalid input: No 'ftyp' box)"),
            (truncated, "not a readable HEIF image: content/drops/truncated.heic (Invalid input: Unexpected end of file: "
                + "Extent in iloc box references data outside of file bounds (points to file position 422))"),
        ] {
            #expect(throws: MediaError(file: "content/drops/mug.md", line: 9, column: 12, key: "images[0].src", message: message)) {
                try pipeline.planStill(StillRequest(source: source, image: url))
            }
        }
        let (capped, _) = makePipeline { $0.maxPixels = 100_000 }
        #expect(throws: MediaError(file: "content/drops/mug.md", line: 9, column: 12, key: "images[0].src",
                                   message: "content/drops/exif-rotated.heic is 600×300 (0.18 megapixels), over the 0.1 megapixel cap (media.max_pixels)")) {
            try capped.planStill(StillRequest(source: source, image: fixtures.drop("exif-rotated.heic")))
        }
    }

    /// The 600×300 picture encoded by libheif with an `irot` of 90° clockwise, plus an EXIF block
    /// that says the same (as iPhones write it): the rotation must be applied once, not twice.
    static func writeIrotHEIC(to url: URL) throws {
        let (width, height) = (600, 300)
        let context = try #require(heif_context_alloc())
        defer { heif_context_free(context) }
        var encoder: OpaquePointer?
        try check(heif_context_get_encoder_for_format(context, heif_compression_HEVC, &encoder))
        defer { heif_encoder_release(encoder) }
        try check(heif_encoder_set_lossy_quality(encoder, 90))
        var image: OpaquePointer?
        try check(heif_image_create(Int32(width), Int32(height), heif_colorspace_RGB, heif_chroma_interleaved_RGB, &image))
        defer { heif_image_release(image) }
        try check(heif_image_add_plane(image, heif_channel_interleaved, Int32(width), Int32(height), 8))
        var stride: Int32 = 0
        let plane = try #require(heif_image_get_plane(image, heif_channel_interleaved, &stride))
        for y in 0..<height {
            for x in 0..<width {
                let red = x < 100 && y < 100
                let at = y * Int(stride) + x * 3
                (plane[at], plane[at + 1], plane[at + 2]) = red ? (255, 0, 0) : (0, 0, 255)
            }
        }
        let options = try #require(heif_encoding_options_alloc())
        defer { heif_encoding_options_free(options) }
        options.pointee.image_orientation = heif_orientation_rotate_90_cw
        var handle: OpaquePointer?
        try check(heif_context_encode_image(context, image, encoder, options, &handle))
        defer { heif_image_handle_release(handle) }
        let exif = [UInt8](Fixtures.withOrientation(6, jpeg: Data([0xFF, 0xD8])).dropFirst(12))  // the TIFF after SOI, APP1 and "Exif\0\0"
        try check(heif_context_add_exif_metadata(context, handle, exif, Int32(exif.count)))
        try check(heif_context_write_to_file(context, url.path))
        #expect(ItemProperties.hasTransform(try Data(contentsOf: url)), "libheif wrote an irot box")
    }

    static func check(_ error: heif_error) throws {
        guard error.code != heif_error_Ok else { return }
        throw ToolFailed(description: "libheif: \(String(cString: error.message))")
    }
}
