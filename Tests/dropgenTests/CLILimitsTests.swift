import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile input on the command line: every one is a usage error (2) or a content error (1) with
/// a message, never a trap or "internal error" (3).
@Suite struct CLILimitsTests {
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLITests.Result {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if environment["SOURCE_DATE_EPOCH"] == nil { merged["SOURCE_DATE_EPOCH"] = nil }
        process.environment = merged
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-cli-\(UUID().uuidString)")
        let out = URL(fileURLWithPath: scratch.path + ".out"), err = URL(fileURLWithPath: scratch.path + ".err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return CLITests.Result(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                               stderr: try String(contentsOf: err, encoding: .utf8))
    }

    static let epochRange = "must be from -62167219200 to 253402300799 (between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z)"

    @Test(arguments: [
        ("9223372036854775807", epochRange), ("-9223372036854775808", epochRange), ("253402300800", epochRange),
        ("-62167219201", epochRange), ("99999999999999999999", "expected whole seconds since 1970"),
        ("1e30", "expected whole seconds since 1970"), ("", "expected whole seconds since 1970"),
    ])
    func sourceDateEpochOutOfRange(value: String, problem: String) throws {
        let root = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: root) }
        for command in [["build", "--out", root.appendingPathComponent("public").path], ["next-rebuild"], ["check"]] {
            let result = try Self.run(command + ["--site", root.path], environment: ["SOURCE_DATE_EPOCH": value])
            #expect(result.status == 2, "\(command) \(value): \(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: SOURCE_DATE_EPOCH=\(value): \(problem)\n"), "\(result.stderr)")
        }
    }

    @Test func sourceDateEpochAtTheEndsOfTheRange() throws {
        let root = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: root) }
        for value in ["-62167219200", "0", "253402300799"] {
            let result = try Self.run(["next-rebuild", "--site", root.path], environment: ["SOURCE_DATE_EPOCH": value])
            #expect(result.status == 0, "\(value): \(result.stderr)")
        }
    }

    @Test(arguments: [
        ("99999-01-01T00:00:00Z", "expected an RFC 3339 time with an offset, such as 2026-12-04T18:00:00+01:00"),
        ("9999-12-31T23:59:59-00:01", "must be between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z"),
        ("0000-01-01T00:00:00+00:01", "must be between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z"),
    ])
    func nowOutOfRange(now: String, problem: String) throws {
        let root = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: root) }
        for command in [["build"], ["next-rebuild"], ["serve"], ["deploys"], ["new", "drop", "Mugs again"]] {
            let result = try Self.run(command + ["--site", root.path, "--now", now])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: --now \(now): "), "\(command): \(result.stderr)")
            #expect(result.stderr.contains(problem) || command == ["deploys"], "\(command): \(result.stderr)")
        }
    }

    @Test func namesTooLongForAFileAreContentOrUsageErrors() throws {
        var files = CLITests.files
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nprice: 10\nopens: 2026-12-04T18:00:00+01:00\ntags: [\(String(repeating: "t", count: 300))]\n---\nMugs.\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try Self.run(["build", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(build.status == 1)
        #expect(build.stderr.hasPrefix("content/drops/mugs.md:6:8: tags[0]: the tag's page name \"tttt"), "\(build.stderr)")

        let out = root.appendingPathComponent(String(repeating: "o", count: 201)).path
        let longOut = try Self.run(["build", "--site", root.path, "--out", out, "--now", "2026-12-01T00:00:00Z"])
        #expect(longOut.status == 2)
        #expect(longOut.stderr.hasPrefix("Error: --out \(out): the folder name is 201 bytes long; at most 200 leave room for the staging folder beside it\n"), "\(longOut.stderr)")
        let deeper = root.appendingPathComponent(String(repeating: "o", count: 256)).appendingPathComponent("public").path
        #expect(try Self.run(["build", "--site", root.path, "--out", deeper, "--now", "2026-12-01T00:00:00Z"]).status == 2)

        let title = String(repeating: "A very long title ", count: 20)
        let new = try Self.run(["new", "drop", title, "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(new.status == 2)
        #expect(new.stderr.hasPrefix("Error: title: the slug (and file name content/drops/<slug>.md) made from the title"), "\(new.stderr)")
        // A drop file that exists is the user's to resolve, not an internal failure.
        let again = try Self.run(["new", "drop", "Mugs", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(again.status == 1)
        #expect(again.stderr == "error: content/drops/mugs.md already exists; choose another title or edit that file\n")
    }

    /// Over a thousand mistakes (one mapping of 100 unknown keys, aliased into 12 images): the
    /// first 100 lines, then how many more, then the real total.
    @Test func aFloodOfErrorsIsCut() throws {
        let keys = (0..<100).map { "k\(String(format: "%03d", $0)): 0" }.joined(separator: ", ")
        var files = CLITests.files
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nprice: 10\nopens: 2026-12-04T18:00:00+01:00\n"
            + "images: [&w {\(keys)}" + String(repeating: ", *w", count: 11) + "]\n---\nMugs.\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.run(["build", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 102)
        #expect(lines.prefix(100).allSatisfy { $0.hasPrefix("content/drops/mugs.md:6") })
        #expect(lines[100] == "and 1124 more")
        #expect(lines[101] == "1224 errors; nothing was written.")
    }

    /// A store that is not there: the publish fails at once, saying so (it used to retry
    /// silently for six minutes).
    @Test(.timeLimit(.minutes(1))) func publishingToADeadStoreFailsAtOnce() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                _ = bind(socket, raw, length)
                _ = getsockname(socket, raw, &length)
            }
        }
        close(socket)
        let port = UInt16(bigEndian: address.sin_port)
        var files = CLITests.files
        files["dropgen.yaml"]! += "publish:\n  default: store\n  targets:\n    store: { url: \"s3://site\", endpoint: \"http://127.0.0.1:\(port)\", path_style: true }\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try Self.run(["build", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(build.status == 0, "\(build.stderr)")
        let publish = try Self.run(["publish", "--site", root.path], environment: ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"])
        #expect(publish.status == 1)
        #expect(publish.stderr == "error: cannot reach s3://site at http://127.0.0.1:\(port): connection refused (LIST '.dropgen/pending/'); "
            + "check the target's endpoint (or AWS_ENDPOINT_URL_S3) and that the store is running\n")
    }
}
