import Foundation
import Testing

/// What an installed dropgen promises: which dropgen it is, and the run-time tools it names.
@Suite struct CLIInstallTests {
    /// `dropgen 0.9.0 (f9651bf)`, or `(unknown)` for a build outside git.
    static var version: Regex<(Substring, Substring)> { /[0-9]+\.[0-9]+\.[0-9]+ \(([0-9a-f]{7,40}|unknown)\)/ }

    @Test func versionNamesTheReleaseAndTheRevisionEverywhere() throws {
        let printed = try CLITests.run(["--version"])
        #expect(printed.status == 0 && printed.stderr.isEmpty)
        let line = printed.stdout
        #expect(line.hasPrefix("dropgen ") && line.hasSuffix("\n"), "\(line)")
        let description = String(line.dropFirst("dropgen ".count).dropLast())
        #expect(description.wholeMatch(of: Self.version) != nil, "\(line)")

        // The same in build.json, in build --json and in check --json.
        let root = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try CLITests.run(["build", "--site", root.path, "--now", "2026-12-01T00:00:00Z", "--json"])
        #expect(build.status == 0, "\(build.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(build.stdout.utf8)) as! [String: Any]
        #expect(report["dropgen"] as? String == description)
        #expect((report["build"] as? [String: Any])?["dropgen"] as? String == description)
        let record = try Data(contentsOf: root.appendingPathComponent("public/.dropgen/build.json"))
        #expect((try JSONSerialization.jsonObject(with: record) as! [String: Any])["dropgen"] as? String == description)
        let check = try CLITests.run(["check", "--site", root.path, "--now", "2026-12-01T00:00:00Z", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as! [String: Any])["dropgen"] as? String == description,
                "\(check.stdout)")
    }

    /// Without ffmpeg and ffprobe on PATH, a site with media stops at once with one error that
    /// names the package; a site without media builds without them.
    @Test func missingFFmpegIsNamedOnlyForASiteWithMedia() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-empty-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let environment = ["PATH": empty.path, "HOME": FileManager.default.temporaryDirectory.path]

        var files = CLITests.files
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nprice: 10\nimages:\n  - { src: glaze.jpg, alt: Glaze }\n---\nMugs.\n"
        files["content/drops/glaze.jpg"] = "not decoded: the tools are looked for first"
        let withMedia = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: withMedia) }
        let refused = try CLITests.run(["build", "--site", withMedia.path, "--now", "2026-12-01T00:00:00Z"], environment: environment)
        #expect(refused.status == 1)
        #expect(refused.stderr == """
            content/drops/mugs.md:6:12: images[0].src: ffprobe and ffmpeg are not on PATH, and this site has 1 media file \
            to probe and encode; install the Debian package ffmpeg (apt-get install ffmpeg)
            1 error; nothing was written.

            """)
        #expect(!FileManager.default.fileExists(atPath: withMedia.appendingPathComponent("public").path))

        let withoutMedia = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: withoutMedia) }
        let built = try CLITests.run(["build", "--site", withoutMedia.path, "--now", "2026-12-01T00:00:00Z"], environment: environment)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(FileManager.default.fileExists(atPath: withoutMedia.appendingPathComponent("public/drops/mugs/index.html").path))
    }
}
