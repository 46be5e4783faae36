import Foundation
import Testing
@testable import MediaPipeline

/// A throwaway site folder with media made by ffmpeg's lavfi sources, built once per test run.
struct Fixtures: Sendable {
    let root: URL
    var drops: URL { root.appendingPathComponent("content/drops") }
    func drop(_ name: String) -> URL { drops.appendingPathComponent(name) }

    /// The fixture site's folder; its files exist once `shared()` has returned.
    static let site: Fixtures = {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("dropgen-media-tests-\(UUID().uuidString)/site")
        let fixtures = Fixtures(root: root)
        try! FileManager.default.createDirectory(at: fixtures.drops, withIntermediateDirectories: true)
        return fixtures
    }()

    /// The fixture site with its media made, once per test run. Made on a thread of its own and
    /// awaited (each suite's `init() async`): ffmpeg takes seconds here, and a `static let` that
    /// made it would hold every cooperative thread waiting for it (both of CI's two), starving
    /// the other suites' tests.
    static func shared() async -> Fixtures { await made.value }

    private static let made = Task<Fixtures, Never> {
        try! await onThread { try site.make() }
        return site
    }

    private func make() throws {
        // 25 s of 320×180 with a sine tone: the hero source for most tests (audio must be dropped).
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
                    "-t", "25", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", drop("clip.mp4").path])
        // The same clip as a phone would store it: landscape pixels plus a 90° display matrix.
        try ffmpeg(["-i", drop("clip.mp4").path, "-t", "12", "-c", "copy", "-metadata:s:v:0", "rotate=90",
                    drop("portrait.mp4").path])
        // HDR as phones record it: 10-bit HEVC tagged BT.2020 HLG, 60 fps, a 90° display matrix.
        // The left half red, the right half light grey, SDR converted to HLG so the colours are known.
        let hlg = root.appendingPathComponent("hlg-stored.mov")
        try ffmpeg(["-f", "lavfi", "-i", "color=c=0xB0B0B0:s=320x180:r=60:d=10.5,drawbox=x=0:y=0:w=160:h=180:color=red:t=fill,format=yuv420p",
                    "-vf", "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv,zscale=t=linear:npl=100,"
                        + "format=gbrpf32le,zscale=p=bt2020:t=arib-std-b67:m=bt2020nc:r=tv,format=yuv420p10le",
                    "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error",
                    "-color_primaries", "bt2020", "-color_trc", "arib-std-b67", "-colorspace", "bt2020nc", "-tag:v", "hvc1", hlg.path])
        // The display matrix survives a stream copy only.
        try ffmpeg(["-i", hlg.path, "-c", "copy", "-metadata:s:v:0", "rotate=90", drop("hlg.mov").path])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=2000x1200", "-frames:v", "1", drop("photo.jpg").path])
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=300x200", "-frames:v", "1", drop("small.png").path])
        // Blue with a red square in the top-left corner as stored; EXIF 6 says "rotate 90° clockwise".
        try ffmpeg(["-f", "lavfi", "-i", "color=c=blue:s=600x300,drawbox=x=0:y=0:w=100:h=100:color=red:t=fill",
                    "-frames:v", "1", drop("stored.jpg").path])
        try Data(Self.withOrientation(6, jpeg: Data(contentsOf: drop("stored.jpg")))).write(to: drop("rotated.jpg"))
        // heif-enc keeps a JPEG's EXIF and writes no irot: the EXIF orientation is the one to apply.
        try tool("heif-enc", ["-q", "90", drop("rotated.jpg").path, "-o", drop("exif-rotated.heic").path])
        try tool("heif-enc", ["-q", "60", "-A", drop("stored.jpg").path, "-o", drop("stored.avif").path])
        try ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440", "-t", "12", "-c:a", "aac", "-f", "mp4", drop("audio.mp4").path])
        try Data("not a video at all\n".utf8).write(to: drop("corrupt.mp4"))
        try Data("not an image\n".utf8).write(to: drop("corrupt.jpg"))
        try FileManager.default.copyItem(at: drop("clip.mp4"), to: drop("clip.avi"))
        try FileManager.default.copyItem(at: drop("photo.jpg"), to: drop("photo.mov"))
        try FileManager.default.copyItem(at: drop("small.png"), to: drop("small.gif"))
    }

    /// A JPEG with an APP1 EXIF segment (big-endian TIFF, one IFD0 entry: Orientation) after SOI.
    static func withOrientation(_ orientation: UInt16, jpeg: Data) -> Data {
        var tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08]  // "MM", 42, IFD0 at 8
        tiff += [0x00, 0x01]  // one entry
        tiff += [0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]  // tag 0x0112, SHORT, count 1
        tiff += [UInt8(orientation >> 8), UInt8(orientation & 0xFF), 0x00, 0x00]
        tiff += [0x00, 0x00, 0x00, 0x00]  // no next IFD
        let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        return jpeg.prefix(2) + Data(segment) + jpeg.dropFirst(2)
    }
}

/// A pipeline over the fixture site with its own cache folder, so tests can run in parallel.
func makePipeline(_ configure: (inout MediaOptions) -> Void = { _ in }) -> (MediaPipeline, output: URL) {
    // Beside the fixture site, so one test run leaves one folder in the temp directory.
    let scratch = Fixtures.site.root.deletingLastPathComponent().appendingPathComponent("run-\(UUID().uuidString)")
    var options = MediaOptions()
    options.cacheDirectory = scratch.appendingPathComponent("cache").path
    configure(&options)
    return (MediaPipeline(siteRoot: Fixtures.site.root, options: options), scratch.appendingPathComponent("public"))
}

let dropSource = MediaSource(file: "content/drops/mug.md", line: 7, key: "hero")

@discardableResult
func ffmpeg(_ arguments: [String]) throws -> Data {
    try tool("ffmpeg", ["-nostdin", "-v", "error", "-y"] + arguments)
}

/// ffprobe's JSON for a file: `streams` and `format`.
func ffprobe(_ url: URL) throws -> [String: Any] {
    let data = try tool("ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", url.path])
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}

struct ToolFailed: Error, CustomStringConvertible {
    var description: String
}

/// Runs `work` on a thread of its own and waits for it without holding one of the cooperative
/// threads (two on CI) that every other suite's tests run on.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Runs a tool by its PATH name; stdout goes to a file so nothing can block on a full pipe.
func tool(_ name: String, _ arguments: [String]) throws -> Data {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-test-\(UUID().uuidString)")
    guard FileManager.default.createFile(atPath: out.path, contents: nil) else {
        throw ToolFailed(description: "cannot create \(out.path)")
    }
    defer { try? FileManager.default.removeItem(at: out) }
    let handle = try FileHandle(forWritingTo: out)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    process.standardOutput = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try handle.close()
    guard process.terminationStatus == 0 else {
        throw ToolFailed(description: "\(name) \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
    }
    return try Data(contentsOf: out)
}

/// Top-level MP4 box types in file order (`ftyp`, `moov`, `mdat`, …).
func topLevelBoxes(_ data: Data) -> [String] {
    let bytes = [UInt8](data)
    var boxes: [String] = []
    var offset = 0
    while offset + 8 <= bytes.count {
        var size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
        let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
        if size == 1, offset + 16 <= bytes.count {
            size = bytes[offset + 8..<offset + 16].reduce(0) { $0 << 8 | Int($1) }
        } else if size == 0 {
            size = bytes.count - offset
        }
        boxes.append(type)
        guard size >= 8 else { break }
        offset += size
    }
    return boxes
}

/// `media/<stem>.<16 hex>.<ext>`, the shape the Publisher treats as immutable.
func isHashedMediaPath(_ path: String, stem: String, ext: String) -> Bool {
    path.wholeMatch(of: /media\/([a-z0-9-]+)\.([0-9a-f]{16})\.([a-z0-9]+)/).map {
        $0.output.1 == stem && $0.output.3 == ext
    } ?? false
}
