import Foundation
import Testing

/// The command line as a user runs it: the built binary, its exit codes, stdout and stderr.
@Suite struct CLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/dropgen")

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `environment`, when given, replaces the whole environment.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-cli-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path + ".out", contents: nil)
        FileManager.default.createFile(atPath: out.path + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: out.path + ".out")
            try? FileManager.default.removeItem(atPath: out.path + ".err")
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out.path + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: out.path + ".err"))
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: try String(contentsOfFile: out.path + ".out", encoding: .utf8),
                      stderr: try String(contentsOfFile: out.path + ".err", encoding: .utf8))
    }

    /// A copy of a tiny site in a fresh folder.
    static func site(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-cli-site-\(UUID().uuidString)")
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    static let files = [
        "dropgen.yaml": "title: T\nbase_url: https://t.example\ntimezone: Europe/Berlin\n",
        "content/creators/mara.md": "---\nname: Mara\n---\n",
        "content/drops/mugs.md": "---\ntitle: Mugs\ncreator: mara\nprice: 10\nopens: 2026-12-04T18:00:00+01:00\n---\nMugs.\n",
    ]

    @Test func buildSucceedsAndReportsAsJSON() throws {
        let root = try Self.site(Self.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.run(["build", "--site", root.path, "--now", "2026-12-01T00:00:00Z", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let build = report["build"] as! [String: Any]
        #expect(build["next_transition"] as? String == "2026-12-04T17:00:00Z")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("public/drops/mugs/index.html").path))
    }

    @Test func badContentExitsOneWithEachErrorOnce() throws {
        var files = Self.files
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nprice: -3\n---\n"
        let root = try Self.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.run(["build", "--site", root.path])
        #expect(result.status == 1)
        #expect(result.stderr == "content/drops/mugs.md:4:8: price: must not be negative, got -3\n1 error; nothing was written.\n")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("public").path))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try Self.run(["build", "--now", "tomorrow"]).status == 2)
        #expect(try Self.run(["no-such-command"]).status == 2)
        #expect(try Self.run(["build", "--site", "/no/such/folder"]).status == 2)
    }

    @Test func nextRebuildPrintsTheNextStateChange() throws {
        let root = try Self.site(Self.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let plain = try Self.run(["next-rebuild", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(plain.status == 0 && plain.stdout == "2026-12-04T17:00:00Z\n")
        let after = try Self.run(["next-rebuild", "--site", root.path, "--now", "2026-12-05T00:00:00Z"])
        #expect(after.status == 0 && after.stdout.isEmpty)
    }

    @Test func sourceDateEpochFixesTheClock() throws {
        let root = try Self.site(Self.files)
        defer { try? FileManager.default.removeItem(at: root) }
        // 1796000000 is 2026-11-30T00:53:20Z, before the opening; 1797000000 (2026-12-11) is after it.
        #expect(try Self.runWithEnvironment(["next-rebuild", "--site", root.path], ["SOURCE_DATE_EPOCH": "1796000000"]) == "2026-12-04T17:00:00Z\n")
        #expect(try Self.runWithEnvironment(["next-rebuild", "--site", root.path], ["SOURCE_DATE_EPOCH": "1797000000"]) == "")
    }

    static func runWithEnvironment(_ arguments: [String], _ environment: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func helpExplainsEveryCommand() throws {
        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        for command in ["build", "next-rebuild"] { #expect(help.stdout.contains(command)) }
        #expect(try Self.run(["build", "--help"]).stdout.contains("--prune-cache"))
    }
}

extension CLITests {
    /// The mistakes that once cost a user their files: each refused with exit 1, nothing touched.
    @Test(arguments: ["file://.", "file://..", "file://public", "file://content"])
    func publishIntoTheSiteOrTheBuildIsRefused(_ url: String) throws {
        var files = Self.files
        files["dropgen.yaml"]! += "publish:\n  targets:\n    local: { url: \"\(url)\" }\n"
        let root = try Self.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Self.run(["build", "--site", root.path, "--now", "2026-12-01T00:00:00Z"]).status == 0)
        let before = try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted()
        let result = try Self.run(["publish", "--site", root.path, "--yes"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("refusing to publish into "), "\(result.stderr)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root.path).sorted() == before)
    }

    @Test func buildOverAFileIsRefused() throws {
        let root = try Self.site(Self.files.merging(["notes.txt": "mine"]) { a, _ in a })
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.run(["build", "--site", root.path, "--out", root.appendingPathComponent("notes.txt").path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("notes.txt is a file, not a dropgen output folder"), "\(result.stderr)")
        #expect(try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")

        // An --out whose folder cannot be made is the user's to fix (exit 1), not an internal error.
        let below = try Self.run(["build", "--site", root.path, "--out", root.appendingPathComponent("notes.txt/public").path])
        #expect(below.status == 1, "\(below.stderr)")
        #expect(below.stderr.contains("cannot make the folder \(root.appendingPathComponent("notes.txt").path) for --out: "), "\(below.stderr)")
        #expect(try String(contentsOf: root.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }
}
