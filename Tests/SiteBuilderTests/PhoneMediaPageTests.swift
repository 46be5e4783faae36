import Foundation
import Testing
@testable import SiteBuilder

/// Media as phones make it, through a whole build: an upright clip and HEIC photos on the pages
/// with the sizes they were encoded at, and the media keys of dropgen.yaml.
@Suite struct PhoneMediaPageTests {
    static func tool(_ name: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(name) \(arguments)")
    }

    @Test func uprightClipAndHEICPhotosKeepTheirShapeOnThePage() async throws {
        let fixture = try Fixture.site([
            "content/drops/mugs.md": nil,
            "content/drops/mugs/index.md": Fixture.drop("""
                hero: { video: upright.mov, start: 0, duration: 10, alt: "Mugs on the wheel" }
                images: [{ src: photo.heic, alt: "Four mugs" }]
                """),
            "content/creators/mara.md": "---\nname: Mara\navatar: mara.heic\n---\nThrows mugs.\n",
        ])
        let folder = fixture.root.appendingPathComponent("content/drops/mugs").path
        // Stored landscape with a 90° display matrix, as a phone held upright writes it.
        try Self.tool("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=5:duration=10.5",
                                 "-pix_fmt", "yuv420p", folder + "/stored.mp4"])
        try Self.tool("ffmpeg", ["-v", "error", "-y", "-i", folder + "/stored.mp4", "-c", "copy", "-metadata:s:v:0", "rotate=90",
                                 folder + "/upright.mov"])
        try Self.tool("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=600x400", "-frames:v", "1", folder + "/photo.jpg"])
        try Self.tool("heif-enc", ["-q", "80", folder + "/photo.jpg", "-o", folder + "/photo.heic"])
        try Self.tool("heif-enc", ["-q", "80", folder + "/photo.jpg", "-o", fixture.root.appendingPathComponent("content/creators/mara.heic").path])

        try await fixture.build()
        let html = try fixture.read("public/drops/mugs/index.html")
        #expect(html.contains("<video class=\"hero portrait\" muted playsinline autoplay loop preload=\"none\" poster=\"/media/upright-poster-180."))
        #expect(html.contains("width=\"180\" height=\"320\" aria-label=\"Mugs on the wheel\""))
        #expect(html.contains("<meta property=\"og:image:width\" content=\"1200\">"))
        #expect(html.contains("srcset=\"/media/photo-480.") && html.contains(" 480w, /media/photo-600."))
        #expect(html.contains("width=\"600\" height=\"400\" alt=\"Four mugs\""))
        let creator = try fixture.read("public/creators/mara/index.html")
        #expect(creator.contains("srcset=\"/media/mara-480.") && creator.contains("width=\"600\" height=\"400\""))
    }

    /// `dropgen check` reports every clip's size against the budget, passing or not.
    @Test func checkReportsEachClipAgainstTheBudget() {
        let page = Data("<!doctype html><video poster=\"/media/p.webp\"><source src=\"/media/clip.mp4\" type=\"video/mp4\"></video>".utf8)
        let files = ["drops/mugs/index.html": page, "drops/cups/index.html": page, "media/clip.mp4": Data(count: 1_363_149),
                     "media/p.webp": Data([1])]
        let report = SiteCheck.check(files: files, budgets: Budgets())
        #expect(report.clips == [SiteCheck.ClipSize(path: "media/clip.mp4", page: "drops/cups/index.html", bytes: 1_363_149, limit: 2_097_152)])
        #expect(report.clips.map(\.description) == ["hero clip /media/clip.mp4: 1.30 MB of the 2.00 MB budget (hero_clip_kb), on drops/cups/index.html"])
        #expect(report.violations.filter { $0.budget == "hero_clip_kb" }.isEmpty)
    }

    @Test func mediaKeys() async throws {
        let fixture = try Fixture.site(["dropgen.yaml": Fixture.config + "media:\n  max_height: 480\n  max_fps: 24\n"])
        let report = try await fixture.build()
        #expect(report.warnings == ["dropgen.yaml:6:15: media.max_height: deprecated: read as `max_short_side: 480` "
            + "(the short side of clips and posters, so portrait clips keep their width); rename it"])
        let config = try SiteConfig.load(root: fixture.root)
        #expect(config.media.maxShortSide == 480 && config.media.maxFrameRate == 24)

        try fixture.write("dropgen.yaml", Fixture.config + "media:\n  max_short_side: 540\n")
        #expect(try await fixture.build().warnings == nil)
        #expect(try SiteConfig.load(root: fixture.root).media.maxShortSide == 540)

        try fixture.write("dropgen.yaml", Fixture.config + "media:\n  max_height: 720\n  max_short_side: 720\n  max_fps: 200\n")
        #expect(try await fixture.errors() == [
            "dropgen.yaml:6:15: media.max_height: replaced by `max_short_side`; give only `max_short_side`",
            "dropgen.yaml:8:12: media.max_fps: must be between 1 and 120, got 200",
        ])
    }
}
