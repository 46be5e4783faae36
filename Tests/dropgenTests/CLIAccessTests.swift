import Foundation
import Testing

/// `dropgen access`: the holders' links from the environment's secret, the error without one,
/// and no list written where it would be published.
@Suite struct CLIAccessTests {
    static let files = CLITests.files.merging([
        "content/badges/regular.md": "---\nname: Regular\nfor: buyer\ncriteria: Comes back.\nholders: [ana, ben]\n---\n",
        "data/buyers.csv": "buyer,display_name,public\nana,Ana,true\n",
        "content/drops/mugs.md": "---\ntitle: Mugs\ncreator: mara\nprice: 10\nopens: 2026-12-04T18:00:00+01:00\n"
            + "early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [regular], buy_url: https://shop.example/early }\n---\nMugs.\n",
    ]) { _, new in new }

    /// The binary with exactly this access secret (nil: none), whatever the test's environment holds.
    static func run(_ arguments: [String], secret: String?) throws -> CLITests.Result {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DROPGEN_ACCESS_SECRET"] = secret
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLITests.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                               stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func listsEachHolderWithTheLinkTheBuildWrites() throws {
        let root = try CLITests.site(Self.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let secret = "cli-access-secret-of-some-length"
        let now = ["--now", "2026-12-04T12:00:00+01:00"]
        #expect(try Self.run(["build", "--site", root.path] + now, secret: secret).status == 0)
        let csv = root.appendingPathComponent("holders.csv")
        let list = try Self.run(["access", "--site", root.path, "--json", "--csv", csv.path] + now, secret: secret)
        #expect(list.status == 0)
        let tokens = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("public/access").path)
        #expect(tokens.count == 2)
        for token in tokens { #expect(list.stdout.contains("\"url\" : \"https://t.example/access/\(token)/\"")) }
        #expect(list.stdout.contains("\"name\" : \"Ana\""))
        #expect(!list.stdout.contains(secret) && !list.stderr.contains(secret))
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\r\n")
        #expect(rows.count == 3 && rows[0] == "drop,title,early_access_opens,opens,holder,name,url")
        let mode = try FileManager.default.attributesOfItem(atPath: csv.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let missing = try Self.run(["access", "--site", root.path] + now, secret: nil)
        #expect(missing.status == 1)
        #expect(missing.stderr == "content/drops/mugs.md:6: early_access: personal early-access links need a secret: set DROPGEN_ACCESS_SECRET in the environment (e.g. `openssl rand -base64 32`)\n1 error; nothing was written.\n")
        let published = try Self.run(["access", "--site", root.path, "--csv", root.appendingPathComponent("public/list.csv").path], secret: secret)
        #expect(published.status == 2)
        #expect(published.stderr.contains("inside the site's public/ folder, the list would be published"))
    }
}
