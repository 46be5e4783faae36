import Foundation
import Testing

/// `dropgen stock` as a maker runs it: build, publish to the local edge folder, change stock,
/// and what the edge then serves; a build from git that reads the ledger afterwards.
@Suite struct CLIStockTests {
    static let now = "2026-12-04T18:30:00+01:00"

    /// A site whose mugs opened at 18:00 with 24 of 24, published to `.edge`, reading its stock from there.
    static func publishedSite(stockFrom: Bool = true) throws -> URL {
        var files = CLITests.files
        files["dropgen.yaml"] = "title: T\nbase_url: https://t.example\ntimezone: Europe/Berlin\n"
            + (stockFrom ? "stock: { from: local }\n" : "")
            + "publish:\n  default: local\n  targets:\n    local: { url: \"file://.edge\" }\n"
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nprice: 10\nedition: 24\nremaining: 24\n"
            + "opens: 2026-12-04T18:00:00+01:00\n---\nMugs.\n"
        files["content/drops/bowls.md"] = "---\ntitle: Bowls\ncreator: mara\nprice: 20\nedition: 6\n"
            + "opens: 2026-12-04T18:00:00+01:00\n---\nBowls.\n"
        let root = try CLITests.site(files)
        for arguments in [["build", "--site", root.path, "--now", now], ["publish", "--site", root.path, "--now", now]] {
            let result = try CLITests.run(arguments)
            #expect(result.status == 0, "\(arguments[0]): \(result.stderr)")
        }
        return root
    }

    static func edge(_ root: URL, _ path: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(".edge").appendingPathComponent(path), encoding: .utf8)) ?? ""
    }

    static func liveEntry(_ root: URL, _ slug: String) throws -> [String: Any]? {
        let live = try JSONSerialization.jsonObject(with: Data(edge(root, "live.json").utf8)) as? [String: Any]
        return (live?["drops"] as? [String: Any])?[slug] as? [String: Any]
    }

    @Test func setThenSellOutReachesTheEdgeAndSurvivesABuildFromGit() throws {
        let root = try Self.publishedSite()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(Self.edge(root, "drops/mugs/index.html").contains("24 of 24 left"))

        let set = try CLITests.run(["stock", "set", "mugs", "3", "--site", root.path, "--now", Self.now])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.hasPrefix("mugs: 3 left\npublished "))
        #expect(Self.edge(root, "drops/mugs/index.html").contains("3 of 24 left"))
        #expect(try Self.liveEntry(root, "mugs")?["remaining"] as? Int == 3)
        #expect(Self.edge(root, ".dropgen/stock.json").contains("\"mugs\""))

        let out = try CLITests.run(["stock", "set", "mugs", "0", "--site", root.path, "--now", Self.now, "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as! [String: Any]
        let uploaded = report["uploaded"] as! [String]
        #expect(uploaded.contains("drops/mugs/index.html") && uploaded.contains("live.json"))
        #expect(!uploaded.contains("drops/bowls/index.html"))
        let page = Self.edge(root, "drops/mugs/index.html")
        #expect(page.contains("Sold out") && page.contains("https://schema.org/SoldOut"))
        #expect(try Self.liveEntry(root, "mugs")?["state"] as? String == "sold_out")

        // CI builds from git: the front matter still says 24, the ledger says 0.
        try? FileManager.default.removeItem(at: root.appendingPathComponent("public"))
        let rebuilt = try CLITests.run(["build", "--site", root.path, "--now", Self.now])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let fromGit = try String(contentsOf: root.appendingPathComponent("public/drops/mugs/index.html"), encoding: .utf8)
        #expect(fromGit.contains("Sold out") && !fromGit.contains("24 of 24 left"))
    }

    @Test func applyingAFileTwiceChangesNothingTheSecondTime() throws {
        let root = try Self.publishedSite()
        defer { try? FileManager.default.removeItem(at: root) }
        let csv = root.appendingPathComponent("sales.csv")
        try "drop,sold,event_id\nmugs,2,order-1\nmugs,1,order-2\nbowls,7,order-3\n".write(to: csv, atomically: true, encoding: .utf8)
        let first = try CLITests.run(["stock", "apply", csv.path, "--site", root.path, "--now", Self.now])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("mugs: 22 left\nmugs: 21 left\nbowls: sold out, 1 units oversold by order-3\npublished "))
        let again = try CLITests.run(["stock", "apply", csv.path, "--site", root.path, "--now", Self.now])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasPrefix("mugs: order-1 was already applied\nmugs: order-2 was already applied\nbowls: order-3 was already applied\npublished 0 objects"))
        #expect(try Self.liveEntry(root, "mugs")?["remaining"] as? Int == 21)
    }

    @Test func unknownDropsAreRefusedBeforeAnythingIsWritten() throws {
        let root = try Self.publishedSite()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLITests.run(["stock", "set", "mgus", "3", "--site", root.path, "--now", Self.now])
        #expect(result.status == 1)
        #expect(result.stderr == "error: no public drop named 'mgus' in this site; nothing was changed\n")
        #expect(Self.edge(root, ".dropgen/stock.json").isEmpty)
    }

    @Test func dryRunPrintsTheOutcomeAndWritesNothing() throws {
        let root = try Self.publishedSite()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLITests.run(["stock", "set", "mugs", "5", "--dry-run", "--site", root.path, "--now", Self.now])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("mugs: 5 left\nplan for deploy "))
        #expect(result.stdout.hasSuffix("\ndry run: nothing journaled, written or published\n"))
        // The plan names the objects a stock change of mugs would upload, and only those.
        #expect(result.stdout.contains("~ drops/mugs/index.html") && result.stdout.contains("~ live/mugs.json"))
        #expect(!result.stdout.contains("drops/bowls/index.html"))
        #expect(Self.edge(root, ".dropgen/stock.json").isEmpty)
        #expect(Self.edge(root, "drops/mugs/index.html").contains("24 of 24 left"))
    }
}

extension CLIStockTests {
    @Test func stockSetExplainsItself() throws {
        let help = try CLITests.run(["stock", "set", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout == """
            OVERVIEW: Set a drop's units left (a reset: later sales count down from it).

            USAGE: dropgen stock set <slug> <remaining> [--site <DIR>] [--target <target>] [--dir <DIR>] [--dry-run] [--json] [--now <RFC3339>]

            ARGUMENTS:
              <slug>                  The drop's slug.
              <remaining>             Units left, 0 or more (0: sold out).

            OPTIONS:
              --site <DIR>            The site folder (holding dropgen.yaml). (default: .)
              --target <target>       A target named under publish.targets in dropgen.yaml
                                      (default: publish.default).
              --dir <DIR>             The build folder to update and publish (default:
                                      <site>/public).
              --dry-run               Print what would change and publish nothing.
              --json                  Print a machine-readable JSON report on stdout.
              --now <RFC3339>         Stamp the change, compute drop states and stamp the
                                      deploy at this instant, RFC 3339 (default: now).
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test(arguments: [
        (["stock", "set", "mugs", "1000001"], "Error: remaining must be from 0 to 1000000"),
        (["stock", "set", "mugs"], "Error: Missing expected argument '<remaining>'"),
        (["live", "--port", "70000"], "Error: --port must be from 0 to 65535"),
    ])
    func usageMistakesExitTwo(arguments: [String], message: String) throws {
        let result = try CLITests.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(message + "\n"), "\(result.stderr)")
    }
}

extension CLIStockTests {
    /// The same loop against the S3 server `make test` starts: the ledger written to the bucket
    /// and read back by a build from git.
    @Test func stockSetReachesAnS3BucketAndABuildReadsItBack() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let endpoint = environment["DROPGEN_TEST_S3_ENDPOINT"], let access = environment["DROPGEN_TEST_S3_ACCESS_KEY"],
              let secret = environment["DROPGEN_TEST_S3_SECRET_KEY"] else {
            if !(environment["CI"] ?? "").isEmpty { Issue.record("CI is set but DROPGEN_TEST_S3_* are not") }
            return
        }
        let bucket = environment["DROPGEN_TEST_S3_BUCKET"] ?? "site"
        var files = CLITests.files
        files["dropgen.yaml"] = "title: T\nbase_url: https://t.example\ntimezone: Europe/Berlin\nstock: { from: bucket }\n"
            + "publish:\n  default: bucket\n  targets:\n    bucket: { url: \"s3://\(bucket)/cli-stock-\(UUID().uuidString.prefix(8).lowercased())\", "
            + "endpoint: \"\(endpoint)\", region: us-east-1, path_style: true }\n"
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nprice: 10\nedition: 24\nremaining: 24\n"
            + "opens: 2026-12-04T18:00:00+01:00\n---\nMugs.\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let keys = ["AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret]
        for arguments in [["build"], ["publish"], ["stock", "set", "mugs", "5", "--json"]] {
            let result = try CLILimitsTests.run(arguments + ["--site", root.path, "--now", Self.now], environment: keys)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            if arguments[0] == "stock" {
                let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
                let uploaded = report["uploaded"] as! [String]
                #expect(uploaded.contains("drops/mugs/index.html") && uploaded.contains("live/mugs.json"))
            }
        }
        let fresh = root.appendingPathComponent("fresh")
        let rebuilt = try CLILimitsTests.run(["build", "--site", root.path, "--out", fresh.path, "--now", Self.now], environment: keys)
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let page = try String(contentsOf: fresh.appendingPathComponent("drops/mugs/index.html"), encoding: .utf8)
        #expect(page.contains("5 of 24 left"))
    }
}
