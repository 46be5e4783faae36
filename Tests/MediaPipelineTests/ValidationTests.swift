import Foundation
import Testing
@testable import MediaPipeline

@Suite struct ValidationTests {
    let fixtures: Fixtures
    init() async { fixtures = await Fixtures.shared() }
    let still = MediaSource(file: "content/drops/mug.md", line: 9, key: "images[1].src")

    func heroError(_ video: String, start: Double = 0, duration: Double = 10, posterAt: Double? = nil,
                   lines: [String: Int] = [:]) throws -> MediaError {
        let (pipeline, _) = makePipeline()
        let request = HeroRequest(source: dropSource, video: fixtures.drop(video), start: start, duration: duration,
                                  posterAt: posterAt, lines: lines)
        return try #require(throws: MediaError.self) { try pipeline.planHero(request) }
    }

    func stillError(_ image: String) throws -> MediaError {
        let (pipeline, _) = makePipeline()
        return try #require(throws: MediaError.self) {
            try pipeline.planStill(StillRequest(source: still, image: fixtures.drop(image)))
        }
    }

    @Test func missingVideo() throws {
        #expect(try heroError("missing.mp4").description
            == "content/drops/mug.md:7: hero.video: file not found: content/drops/missing.mp4")
    }

    @Test func unknownVideoFormat() throws {
        #expect(try heroError("clip.avi").description
            == "content/drops/mug.md:7: hero.video: unsupported video format: '.avi' (use mp4, mov, m4v, webm or mkv)")
    }

    @Test func corruptVideo() throws {
        let error = try heroError("corrupt.mp4")
        #expect(error.key == "hero.video" && error.message == "not a readable video: content/drops/corrupt.mp4")
        #expect(error.detail?.contains("Invalid data") == true, "ffprobe's stderr is kept: \(error.detail ?? "nil")")
        #expect(error.description.hasPrefix("content/drops/mug.md:7: hero.video: not a readable video: content/drops/corrupt.mp4\n    "))
    }

    @Test func fileWithoutVideoStream() throws {
        #expect(try heroError("audio.mp4").description
            == "content/drops/mug.md:7: hero.video: no video stream in content/drops/audio.mp4")
    }

    @Test func stillImageNamedAsVideo() throws {
        #expect(try heroError("photo.mov").description
            == "content/drops/mug.md:7: hero.video: not a video: content/drops/photo.mov (jpeg_pipe)")
    }

    @Test func durationOutsideTenToTwenty() throws {
        #expect(try heroError("clip.mp4", duration: 21).description
            == "content/drops/mug.md:7: hero.duration: must be between 10 and 20 seconds, got 21")
        #expect(try heroError("clip.mp4", duration: 9.5, lines: ["duration": 11]).description
            == "content/drops/mug.md:11: hero.duration: must be between 10 and 20 seconds, got 9.5")
    }

    @Test func clipRunsPastTheEnd() throws {
        #expect(try heroError("clip.mp4", start: 10, duration: 20).description
            == "content/drops/mug.md:7: hero.duration: start + duration = 30 s runs past the end of the video (25 s)")
    }

    @Test func posterBeyondTheClip() throws {
        #expect(try heroError("clip.mp4", posterAt: 40, lines: ["poster_at": 8]).description
            == "content/drops/mug.md:8: hero.poster_at: is beyond the end of the video (25 s), got 40")
    }

    @Test func negativeNumbers() throws {
        #expect(try heroError("clip.mp4", start: -1).description
            == "content/drops/mug.md:7: hero.start: must not be negative, got -1")
        #expect(try heroError("clip.mp4", posterAt: -0.25).description
            == "content/drops/mug.md:7: hero.poster_at: must not be negative, got -0.25")
    }

    @Test func missingStill() throws {
        #expect(try stillError("nope.jpg").description
            == "content/drops/mug.md:9: images[1].src: file not found: content/drops/nope.jpg")
    }

    @Test func unknownImageFormat() throws {
        #expect(try stillError("small.gif").description
            == "content/drops/mug.md:9: images[1].src: unsupported image format: '.gif' (use jpg, jpeg, png, webp, heic, heif or avif)")
    }

    @Test func corruptImage() throws {
        #expect(try stillError("corrupt.jpg").message == "not a readable image: content/drops/corrupt.jpg")
    }

    @Test func pathOutsideTheSite() throws {
        let outside = fixtures.root.deletingLastPathComponent().appendingPathComponent("outside.png")
        try FileManager.default.copyItem(at: fixtures.drop("small.png"), to: outside)
        let link = fixtures.drop("escape-\(UUID().uuidString).png")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: outside)
        let (pipeline, _) = makePipeline()
        let error = try #require(throws: MediaError.self) {
            try pipeline.planStill(StillRequest(source: still, image: link))
        }
        #expect(error.message == "content/drops/\(link.lastPathComponent) is outside the site folder")
    }

    @Test func encoderFailureNamesTheFileAndWritesNothing() async throws {
        // Plan against a good copy, then break it: process must fail cleanly, leaving no output.
        let copy = fixtures.drop("vanishing-\(UUID().uuidString).mp4")
        try FileManager.default.copyItem(at: fixtures.drop("clip.mp4"), to: copy)
        let (pipeline, output) = makePipeline()
        let plan = try pipeline.planHero(HeroRequest(source: dropSource, video: copy, start: 0, duration: 10))
        try Data("garbage".utf8).write(to: copy)
        let error = try await #require(throws: MediaError.self) {
            try await pipeline.process(plan.jobs, outputRoot: output)
        }
        #expect(error.file == "content/drops/mug.md" && error.key.hasPrefix("hero."))
        #expect(error.message.hasPrefix("ffmpeg failed"), "\(error)")
        let written = (FileManager.default.enumerator(atPath: output.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".mp4") || $0.hasSuffix(".webp") || $0.hasSuffix(".jpg") || $0.contains(".tmp-") }
        #expect(written.isEmpty, "\(written)")
    }
}
