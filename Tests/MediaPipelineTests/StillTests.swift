import Foundation
import Testing
@testable import MediaPipeline

@Suite struct StillTests {
    let fixtures: Fixtures
    init() async { fixtures = await Fixtures.shared() }
    let source = MediaSource(file: "content/drops/mug.md", line: 9, key: "images[0].src")

    @Test func largePhotoGetsThreeWidthsAndAPlaceholder() async throws {
        let (pipeline, output) = makePipeline()
        let plan = try pipeline.planStill(StillRequest(source: source, image: fixtures.drop("photo.jpg")))
        #expect(plan.variants.map(\.width) == [480, 960, 1600])
        #expect(plan.variants.map(\.height) == [288, 576, 960])
        #expect(plan.width == 1600 && plan.height == 960)
        #expect(plan.variants.allSatisfy { $0.contentType == "image/webp" })
        for (variant, width) in zip(plan.variants, [480, 960, 1600]) {
            #expect(isHashedMediaPath(variant.path, stem: "photo-\(width)", ext: "webp"), "\(variant.path)")
        }

        #expect(plan.placeholder.hasPrefix("data:image/webp;base64,"))
        #expect(plan.placeholder.utf8.count < 1024, "LQIP is \(plan.placeholder.utf8.count) bytes")
        let lqip = try #require(Data(base64Encoded: String(plan.placeholder.dropFirst("data:image/webp;base64,".count))))
        let lqipSize = try #require(webpSize(lqip))
        #expect(lqipSize.width == 20 && lqipSize.height == 12)

        let report = try await pipeline.process(plan.jobs, outputRoot: output)
        #expect(report.files == plan.variants.map(\.path).sorted())
        for variant in plan.variants {
            let url = output.appendingPathComponent(variant.path)
            let size = try #require(try webpSize(url), "\(variant.path) is a WebP")
            #expect(size.width == variant.width && size.height == variant.height)
            #expect(try webpPixel(url, x: variant.width - 1, y: variant.height - 1) != nil)
        }
    }

    @Test func narrowImageIsNeverUpscaled() async throws {
        let (pipeline, output) = makePipeline()
        let plan = try pipeline.planStill(StillRequest(source: source, image: fixtures.drop("small.png")))
        #expect(plan.variants.map(\.width) == [300] && plan.variants.map(\.height) == [200])
        _ = try await pipeline.process(plan.jobs, outputRoot: output)
        let size = try #require(try webpSize(output.appendingPathComponent(plan.variants[0].path)))
        #expect(size.width == 300 && size.height == 200)
    }

    @Test func webpInputIsSizedByItsHeader() async throws {
        // A WebP made by our own encoder from ffmpeg's decode of the PNG: 300×200 with alpha.
        let pixels = try await FrameDecoder.decode(FrameSpec(input: fixtures.drop("small.png"), seek: nil, orient: [],
                                                       width: 300, height: 200, fit: .exact))
        let webp = fixtures.drop("small-\(UUID().uuidString).webp")
        try WebPCodec.encode(rgba: pixels, width: 300, height: 200, quality: 90).write(to: webp)
        let (pipeline, output) = makePipeline { $0.stillWidths = [120, 240, 480] }
        let plan = try pipeline.planStill(StillRequest(source: source, image: webp))
        #expect(plan.variants.map(\.width) == [120, 240, 300] && plan.variants.map(\.height) == [80, 160, 200])
        _ = try await pipeline.process(plan.jobs, outputRoot: output)
        for variant in plan.variants {
            let size = try #require(try webpSize(output.appendingPathComponent(variant.path)))
            #expect(size.width == variant.width && size.height == variant.height)
        }
    }

    @Test func widthsBetweenRequestedOnesKeepTheOriginalAsLargest() {
        #expect(MediaPipeline.variantWidths([480, 960, 1600], original: 1000) == [480, 960, 1000])
        #expect(MediaPipeline.variantWidths([480, 960, 1600], original: 1600) == [480, 960, 1600])
        #expect(MediaPipeline.variantWidths([480, 960, 1600], original: 2400) == [480, 960, 1600])
        #expect(MediaPipeline.variantWidths([480, 960, 1600], original: 200) == [200])
    }

    @Test func exifOrientationIsHonoured() async throws {
        let (pipeline, output) = makePipeline()
        let plan = try pipeline.planStill(StillRequest(source: source, image: fixtures.drop("rotated.jpg")))
        // Stored 600×300; orientation 6 displays it 300×600.
        #expect(plan.width == 300 && plan.height == 600)
        #expect(plan.variants.map(\.width) == [300])
        _ = try await pipeline.process(plan.jobs, outputRoot: output)
        let url = output.appendingPathComponent(plan.variants[0].path)
        let size = try #require(try webpSize(url))
        #expect(size.width == 300 && size.height == 600)
        // Rotated clockwise, the stored top-left red square lands in the top-right corner.
        let topRight = try #require(try webpPixel(url, x: 280, y: 20))
        let topLeft = try #require(try webpPixel(url, x: 20, y: 20))
        #expect(topRight[0] > 200 && topRight[2] < 60, "top-right is red: \(topRight)")
        #expect(topLeft[2] > 200 && topLeft[0] < 60, "top-left is blue: \(topLeft)")
    }

    @Test func exifParserReadsEveryOrientation() throws {
        let jpeg = try Data(contentsOf: fixtures.drop("stored.jpg"))
        #expect(EXIFOrientation.read(jpeg: jpeg) == .normal)
        for value in 1...8 {
            let tagged = Fixtures.withOrientation(UInt16(value), jpeg: jpeg)
            #expect(EXIFOrientation.read(jpeg: tagged).value == value)
        }
    }

    @Test func concurrentPlansAgree() async throws {
        let (pipeline, _) = makePipeline()
        let request = StillRequest(source: source, image: fixtures.drop("small.png"))
        let plans = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { try pipeline.planStill(request).variants.map(\.path) + [pipeline.planStill(request).placeholder] } }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(Set(plans).count == 1)
    }
}
