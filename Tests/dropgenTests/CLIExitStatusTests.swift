import Foundation
import Publisher
import Testing
@testable import dropgen

#if canImport(Glibc)
import Glibc
#endif

/// The exit statuses, stated once in `dropgen --help` (and the README), and each one as the
/// command line gives it; `rollback`'s flags; the one progress bar.
@Suite struct CLIExitStatusTests {
    @Test func helpStatesEveryExitStatus() throws {
        let help = try CLITests.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stderr.isEmpty)
        #expect(help.stdout == """
            OVERVIEW: Build and publish a micro-drop marketplace site.

            A site is a folder with dropgen.yaml, content/ (drops, creators, badges,
            policies, events), optional data/ exports for computed badges, and optionally
            templates/ and static/ to override the default theme.

            Exit status, the same for every command:
              0  success
              1  a mistake dropgen names: bad content or settings, a failed check, an
                 output folder or target that is not dropgen's, a publish, rollback or
                 listing that failed (the store, credentials, the deadline), or old
                 objects left unpruned over publish.max_deletes
              2  a usage error: an unknown command or option, a bad --now, no such --site
              3  an error dropgen does not interpret (a port in use, a full disk) or a bug

            USAGE: dropgen <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              init                    Write a new working site: settings, a sample drop,
                                      creator, badge, policy and a CI workflow.
              new                     Create new content from a commented template.
              build                   Render the site into public/ (or --out), with media,
                                      feeds and a manifest.
              check                   Build into a scratch folder, then check internal
                                      links and size budgets.
              serve                   Preview the site with live reload, served with the
                                      edge's headers.
              next-rebuild            Print when the next drop state change happens, so CI
                                      can build exactly then.
              publish                 Publish the built site to a target: changed files
                                      only, assets before pages, verified.
              deploys                 List the deploys on a target and which one is live.
              rollback                Make an earlier deploy live again (default: the
                                      previous one), without a rebuild.
              stock                   Change stock between builds: the ledger at the
                                      target, then only the pages that show it.
              live                    Keep stock and drop states true at the edge: checkout
                                      webhooks in, pages out within a second.
              access                  List each early-access holder's personal link, to
                                      send to them.
              announce                Send the pending drop announcements (Discord,
                                      Telegram, webhooks) for what a target serves.
              report                  Write the market report: repeat purchases, pickups,
                                      disputes, sell-through, badge lift, first-byte time.
              probe                   Time the live site as a phone reaches it: first byte
                                      of pages and hero media, and their cache headers.

              See 'dropgen help <subcommand>' for detailed help.

            """)
    }

    /// The README states the same statuses: one truth.
    @Test func readmeStatesTheSameExitStatuses() throws {
        let readme = try String(contentsOf: CLITests.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("""
            Exit status, the same for every command:
            - 0: success;
            - 1: a mistake dropgen names: bad content or settings, a failed check, an output folder or
              target that is not dropgen's, a publish, rollback or listing that failed (the store,
              credentials, the deadline), or old objects left unpruned over `publish.max_deletes`;
            - 2: a usage error: an unknown command or option, a bad `--now`, no such `--site`;
            - 3: an error dropgen does not interpret (a port in use, a full disk) or a bug.
            """))
    }

    @Test func successIsZero() throws {
        let root = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLITests.run(["next-rebuild", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(result.status == 0)
        #expect(result.stdout == "2026-12-04T17:00:00Z\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func aMistakeDropgenNamesIsOne() throws {
        var files = CLITests.files
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nprice: 10\nopens: soon\n---\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLITests.run(["next-rebuild", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == """
            content/drops/mugs.md:5:8: opens: expected an RFC 3339 time with an offset such as 2026-12-04T18:00:00+01:00, got "soon"
            1 error; nothing was written.

            """)
    }

    @Test(arguments: [
        (["build", "--bogus"], """
            Error: Unknown option '--bogus'. Did you mean '--out'?
            Usage: dropgen build [--site <DIR>] [--now <RFC3339>] [--out <DIR>] [--prune-cache] [--json] [--stock-from <NAME>]
              See 'dropgen build --help' for more information.

            """),
        (["bogus"], """
            Error: Unexpected argument 'bogus'
            Usage: dropgen <subcommand>
              See 'dropgen --help' for more information.

            """),
    ])
    func aUsageErrorIsTwo(_ arguments: [String], _ stderr: String) throws {
        let result = try CLITests.run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == stderr)
    }

    /// A port another program holds: a system error dropgen passes on as it is.
    @Test func anErrorDropgenDoesNotInterpretIsThree() throws {
        let root = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let (socket, port) = try Self.listeningSocket()
        defer { close(socket) }
        let result = try Self.run(["serve", "--site", root.path, "--port", "\(port)", "--now", "2026-12-01T00:00:00Z"], within: 60)
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(result.stderr.contains("Address already in use"), "\(result.stderr)")
    }

    /// A TCP socket listening on 127.0.0.1 at a port the system chose.
    static func listeningSocket() throws -> (Int32, UInt16) {
        struct SocketFailed: Error { var call: String }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SocketFailed(call: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && listen(descriptor, 1) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw SocketFailed(call: "bind")
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    /// `CLITests.run`, but a command still running after `seconds` is stopped (and fails the test).
    static func run(_ arguments: [String], within seconds: Double) throws -> CLITests.Result {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let timer = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: timer)
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        #expect(process.terminationReason == .exit, "still running after \(seconds) s")
        return CLITests.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                               stderr: String(decoding: stderr, as: UTF8.self))
    }
}

extension CLIExitStatusTests {
    /// Rollback never asks, so it has no `--yes` to skip a question.
    @Test func rollbackTakesNoYes() throws {
        let help = try CLITests.run(["rollback", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout == """
            OVERVIEW: Make an earlier deploy live again (default: the previous one),
            without a rebuild.

            USAGE: dropgen rollback [--site <DIR>] [--target <target>] [--json] [--now <RFC3339>] [--to <to>]

            OPTIONS:
              --site <DIR>            The site folder (holding dropgen.yaml). (default: .)
              --target <target>       A target named under publish.targets in dropgen.yaml
                                      (default: publish.default).
              --json                  Print a machine-readable JSON report on stdout.
              --now <RFC3339>         The time to stamp the deploy with, RFC 3339 (default:
                                      now).
              --to <to>               The deploy id to make live (see `dropgen deploys`).
              --version               Show the version.
              -h, --help              Show help information.


            """)
        let result = try CLITests.run(["rollback", "--yes"])
        #expect(result.status == 2)
        #expect(result.stderr == """
            Error: Unknown option '--yes'. Did you mean '--now'?
            Usage: dropgen rollback [--site <DIR>] [--target <target>] [--json] [--now <RFC3339>] [--to <to>]
              See 'dropgen rollback --help' for more information.

            """)
    }

    /// Two deploys, then `rollback` without options makes the first live again, with the first's bytes.
    @Test func rollbackMakesThePreviousDeployLive() throws {
        var files = CLITests.files
        files["dropgen.yaml"]! += "publish:\n  targets:\n    local: { url: \"file://.edge\" }\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let page = root.appendingPathComponent(".edge/drops/mugs/index.html")
        func buildAndPublish(at now: String) throws -> String {
            let build = try CLITests.run(["build", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
            #expect(build.status == 0, "\(build.stderr)")
            let publish = try CLITests.run(["publish", "--site", root.path, "--now", now, "--json"])
            #expect(publish.status == 0, "\(publish.stderr)")
            return try String(contentsOf: page, encoding: .utf8)
        }
        let first = try buildAndPublish(at: "2026-12-01T10:00:00Z")
        let mugs = root.appendingPathComponent("content/drops/mugs.md")
        try String(contentsOf: mugs, encoding: .utf8).replacingOccurrences(of: "price: 10", with: "price: 12")
            .write(to: mugs, atomically: true, encoding: .utf8)
        let second = try buildAndPublish(at: "2026-12-01T11:00:00Z")
        #expect(first != second)

        let listed = try CLITests.run(["deploys", "--site", root.path, "--json"])
        let listing = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as! [String: Any]
        #expect((listing["dropgen"] as? String)?.wholeMatch(of: /[0-9]+\.[0-9]+\.[0-9]+ \(([0-9a-f]{7,}|unknown)\)/) != nil, "\(listed.stdout)")
        let deploys = listing["deploys"] as! [[String: Any]]
        let ids = deploys.compactMap { $0["id"] as? String }
        #expect(ids.count == 2 && deploys.last?["live"] as? Bool == true, "\(listed.stdout)")

        let result = try CLITests.run(["rollback", "--site", root.path, "--now", "2026-12-01T12:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("rolled back \(root.path)/.edge from \(ids[1]) to \(ids[0]): "), "\(result.stdout)")
        #expect(result.stderr.isEmpty)
        #expect(try String(contentsOf: page, encoding: .utf8) == first)
    }
}

extension CLIExitStatusTests {
    /// Builds and publishes draw the same bar: `done` of `total`, full when there is nothing to do.
    @Test(arguments: [
        (0, 10, "[........................]"), (5, 10, "[############............]"), (10, 10, "[########################]"),
        (1, 3, "[########................]"), (0, 0, "[########################]"), (11, 10, "[########################]"),
    ])
    func progressBar(_ done: Int, _ total: Int, _ bar: String) {
        #expect(Terminal.bar(done, total) == bar)
    }

    /// A publish's line: the bar by bytes, files counted; a rollback's by files (its copies upload
    /// nothing); cleared once the deploy is live.
    @Test(arguments: [
        ([.planned(files: 2, bytes: 4096), .uploaded(key: "a.css", bytes: 1024), .verified(count: 1),
          .uploaded(key: "index.html", bytes: 3072), .live(id: "x")] as [PublishProgress],
         ["[........................] 0/2 files, 0/4 KiB", "[######..................] 1/2 files, 1/4 KiB",
          "[########################] 2/2 files, 4/4 KiB", "(cleared)"]),
        ([.planned(files: 3, bytes: 0), .copied(key: "a.html"), .copied(key: "b.html"), .copied(key: "c.html"), .live(id: "x")],
         ["[........................] 0/3 files", "[########................] 1/3 files", "[################........] 2/3 files",
          "[########################] 3/3 files", "(cleared)"]),
    ])
    func publishProgressLines(_ events: [PublishProgress], _ expected: [String]) {
        let counts = PublishCounts()
        var lines: [String] = []
        for event in events {
            switch counts.update(event) {
            case .draw(let line): lines.append(line)
            case .clear: lines.append("(cleared)")
            case .unchanged: break
            }
        }
        #expect(lines == expected)
    }
}
