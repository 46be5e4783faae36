import Foundation
import Testing
@testable import MediaPipeline

/// Video as phones record it: upright 9:16, HDR (10-bit HEVC in HLG), 60 fps, a display matrix.
@Suite struct PhoneVideoTests {
    let fixtures: Fixtures
    init() async { fixtures = await Fixtures.shared() }

    /// "720p" is the short side, whichever way the phone was held; posters follow the clip.
    @Test(arguments: [
        ([1080, 1920], [720, 1280], [[720, 1280], [360, 640]]),
        ([1920, 1080], [1280, 720], [[1280, 720], [640, 360]]),
        ([1080, 1080], [720, 720], [[720, 720], [640, 640]]),
        ([1440, 1080], [960, 720], [[960, 720], [640, 480]]),
        ([720, 2560], [360, 1280], [[360, 1280], [180, 640]]),
        ([180, 320], [180, 320], [[180, 320]]),
    ])
    func clipsAndPostersAreCappedByTheShortSide(source: [Int], clip: [Int], posters: [[Int]]) {
        let size = MediaPipeline.clipSize(source[0], source[1], maxShortSide: 720)
        #expect([size.width, size.height] == clip)
        #expect(MediaPipeline.posterSizes([1280, 640], clip: size).map { [$0.width, $0.height] } == posters)
    }

    /// A 1080×1920 phone clip becomes 720×1280 with portrait posters and a letterboxed 1200×630
    /// OG image; the second run takes everything from the cache.
    @Test func uprightPhoneClipKeepsItsWidth() async throws {
        let source = fixtures.drop("upright-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: source) }
        // Two frames a second: the size is what matters here, not the motion.
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=1080x1920:rate=2", "-t", "10.5", "-c:v", "libx264",
                    "-preset", "ultrafast", "-pix_fmt", "yuv420p", source.path])
        let (pipeline, output) = makePipeline()
        let request = HeroRequest(source: dropSource, video: source, start: 0, duration: 10, posterAt: 1)
        let plan = try pipeline.planHero(request)
        #expect(plan.clips.map { [$0.width, $0.height] } == [[720, 1280]])
        #expect(plan.posters.map { [$0.width, $0.height] } == [[720, 1280], [360, 640]])
        let first = try await pipeline.process(plan.jobs, outputRoot: output)
        #expect(first.encoded == plan.jobs.count)

        let video = try #require((try ffprobe(output.appendingPathComponent(plan.clips[0].path))["streams"] as? [[String: Any]])?.first)
        #expect(video["width"] as? Int == 720 && video["height"] as? Int == 1280)
        for poster in plan.posters {
            let size = try #require(try webpSize(output.appendingPathComponent(poster.path)))
            #expect(size.width == poster.width && size.height == poster.height)
        }
        // Letterboxed: the frame's own pixels in the middle, a blurred copy of them at the sides.
        let og = try #require((try ffprobe(output.appendingPathComponent(plan.ogImage.path))["streams"] as? [[String: Any]])?.first)
        #expect(og["width"] as? Int == 1200 && og["height"] as? Int == 630)

        let again = try pipeline.planHero(request)
        #expect(again.jobs.map(\.outputPath) == plan.jobs.map(\.outputPath))
        let second = try await pipeline.process(again.jobs, outputRoot: output)
        #expect(second.encoded == 0 && second.cacheHits == plan.jobs.count)
    }

    /// 10-bit HLG HEVC at 60 fps, stored landscape with a 90° display matrix: an upright,
    /// 30 fps, 8-bit BT.709 H.264 clip and poster whose colours stay where they were.
    @Test func hdrClipIsToneMappedUprightAndHalvedInFrameRate() async throws {
        let (pipeline, output) = makePipeline()
        let plan = try pipeline.planHero(HeroRequest(source: dropSource, video: fixtures.drop("hlg.mov"),
                                                     start: 0, duration: 10, posterAt: 1))
        #expect(plan.clips[0].width == 180 && plan.clips[0].height == 320)
        #expect(plan.posters.map { [$0.width, $0.height] } == [[180, 320]])
        _ = try await pipeline.process(plan.jobs, outputRoot: output)

        let video = try #require((try ffprobe(output.appendingPathComponent(plan.clips[0].path))["streams"] as? [[String: Any]])?.first)
        #expect(video["codec_name"] as? String == "h264" && video["pix_fmt"] as? String == "yuv420p")
        #expect(video["width"] as? Int == 180 && video["height"] as? Int == 320)
        #expect(video["r_frame_rate"] as? String == "30/1")
        for key in ["color_transfer", "color_primaries", "color_space"] {
            #expect(video[key] as? String == "bt709", "\(key): \(video[key] ?? "none")")
        }
        #expect(video["color_range"] as? String == "tv")

        // Stored: the left half red, the right half light grey (0xB0), as SDR encoded to HLG.
        // Upright, the red half is at the bottom; tone mapping keeps grey grey and red red.
        let poster = output.appendingPathComponent(plan.posters[0].path)
        let grey = try #require(try webpPixel(poster, x: 90, y: 40))
        let red = try #require(try webpPixel(poster, x: 90, y: 280))
        #expect(abs(Int(grey[0]) - Int(grey[1])) < 12 && abs(Int(grey[1]) - Int(grey[2])) < 12, "grey \(grey)")
        #expect((150...200).contains(Int(grey[1])), "grey \(grey): not crushed, not washed out")
        #expect(red[0] > 180 && red[1] < 70 && red[2] < 70, "red \(red)")
    }

    /// PQ (HDR10, as some phones and most cameras record it) goes through the same tone mapping;
    /// the poster alone is encoded here.
    @Test func pqPosterIsToneMappedToo() async throws {
        let source = fixtures.drop("pq-\(UUID().uuidString).mp4")
        defer { try? FileManager.default.removeItem(at: source) }
        try ffmpeg(["-f", "lavfi", "-i", "color=c=0xB0B0B0:s=160x90:r=5:d=10.5,drawbox=x=0:y=0:w=80:h=90:color=red:t=fill,format=yuv420p",
                    "-vf", "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv,zscale=t=linear:npl=100,"
                        + "format=gbrpf32le,zscale=p=bt2020:t=smpte2084:m=bt2020nc:r=tv,format=yuv420p10le",
                    "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
                    "-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc", source.path])
        let (pipeline, output) = makePipeline()
        let plan = try pipeline.planHero(HeroRequest(source: dropSource, video: source, start: 0, duration: 10, posterAt: 1))
        let clip = try #require(plan.jobs.compactMap { job -> ClipSpec? in
            if case .clip(let spec) = job.work { return spec } else { return nil }
        }.first)
        #expect(clip.hdr?.transfer == "smpte2084" && clip.hdr?.primaries == "bt2020")
        _ = try await pipeline.process(plan.jobs.filter { $0.outputPath == plan.posters[0].path }, outputRoot: output)
        let poster = output.appendingPathComponent(plan.posters[0].path)
        let red = try #require(try webpPixel(poster, x: 20, y: 45))
        let grey = try #require(try webpPixel(poster, x: 140, y: 45))
        #expect(red[0] > 180 && red[1] < 70 && red[2] < 70, "red \(red)")
        #expect(abs(Int(grey[0]) - Int(grey[2])) < 12 && (150...200).contains(Int(grey[1])), "grey \(grey)")
    }

    @Test func frameRateCapIsAnOption() throws {
        let (pipeline, _) = makePipeline { $0.maxFrameRate = 60 }
        let request = HeroRequest(source: dropSource, video: fixtures.drop("hlg.mov"), start: 0, duration: 10)
        let (capped, _) = makePipeline()
        #expect(try pipeline.planHero(request).clips[0].path != (try capped.planHero(request)).clips[0].path)
        let sdr = try capped.planHero(HeroRequest(source: dropSource, video: fixtures.drop("clip.mp4"), start: 0, duration: 10))
        #expect(sdr.jobs.allSatisfy { job in
            guard case .clip(let spec) = job.work else { return true }
            return spec.hdr == nil && spec.fps == nil
        }, "30 fps SDR input is neither tone-mapped nor resampled")
    }
}
