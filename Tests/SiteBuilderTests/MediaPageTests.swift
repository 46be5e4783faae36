import Foundation
import SiteManifest
import Testing
@testable import SiteBuilder

/// A drop bundle with a real clip and photo: the pages reference the encoded, hashed outputs.
@Suite struct MediaPageTests {
    static func ffmpeg(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-v", "error", "-y"] + arguments
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "ffmpeg \(arguments)")
    }

    @Test func bundleMediaIsPlannedEncodedAndReferenced() async throws {
        let fixture = try Fixture.site([
            "content/drops/mugs.md": nil,
            "content/drops/mugs/index.md": Fixture.drop("""
                hero: { video: clip.mp4, start: 0.5, duration: 10, alt: "Mugs on the wheel" }
                images: [{ src: photo.png, alt: "Four mugs" }]
                """),
        ])
        let folder = fixture.root.appendingPathComponent("content/drops/mugs").path
        try Self.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15:duration=11", "-pix_fmt", "yuv420p", folder + "/clip.mp4"])
        try Self.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=600x400", "-frames:v", "1", folder + "/photo.png"])

        let report = try await fixture.build()
        #expect(report.mediaEncoded > 0)
        let html = try fixture.read("public/drops/mugs/index.html")
        let clip = try #require(html.firstMatch(of: /<source src="\/(media\/clip\.[0-9a-f]{16}\.mp4)" type="video\/mp4; codecs=&quot;avc1\.[0-9a-f]+&quot;">/))
        #expect(FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("public/" + clip.1).path))
        #expect(html.contains("<video class=\"hero\" muted playsinline autoplay loop preload=\"none\" poster=\"/media/clip-poster-320."))
        #expect(html.contains("<link rel=\"preload\" as=\"image\" href=\"/media/clip-poster-320."))
        #expect(html.contains("<meta property=\"og:image\" content=\"https://test.example/media/clip-og."))
        #expect(html.contains("\"image\":[\"https://test.example/media/clip-og."))
        #expect(html.contains("srcset=\"/media/photo-480.") && html.contains(" 480w, /media/photo-600."))
        #expect(html.contains("width=\"600\" height=\"400\" alt=\"Four mugs\""))
        #expect(html.contains("style=\"background-image:url(data:image/webp;base64,"))

        let manifest = try BuildManifest.decode(Data(try fixture.read("public/.dropgen/manifest.json").utf8))
        let entry = try #require(manifest.files.first { $0.path == clip.1 })
        #expect(entry.hashed && entry.cacheClass == .immutable && entry.contentType == "video/mp4")

        // Into the same output, media already in place stays: nothing encoded or copied.
        let again = try await fixture.build()
        #expect(again.mediaEncoded == 0 && again.mediaCacheHits == 0 && again.filesRewritten == 0)
        // Into a fresh output, every file comes from the media cache.
        let fresh = try await fixture.build(out: "public-2")
        #expect(fresh.mediaEncoded == 0 && fresh.mediaCacheHits == report.mediaEncoded)
    }

    @Test func mediaErrorsNameTheDropFileAndKey() async throws {
        let fixture = try Fixture.site(["content/drops/mugs.md": Fixture.drop("hero: { video: clip.mp4, duration: 25, alt: Mugs }")])
        try Self.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=30", "-pix_fmt", "yuv420p",
                         fixture.root.appendingPathComponent("content/drops/clip.mp4").path])
        #expect(try await fixture.errors() == ["content/drops/mugs.md:14:36: hero.duration: must be between 10 and 20 seconds, got 25"])
    }
}
