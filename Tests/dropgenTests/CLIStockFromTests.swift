import Foundation
import Testing

/// `dropgen build --stock-from NAME` and `stock: { from: NAME }`: a build applies that target's
/// stock ledger, and a target it cannot name or read stops the build (exit 1), so CI never
/// builds stale stock silently.
@Suite struct CLIStockFromTests {
    static let now = CLIStockTests.now

    @Test func stockFromOverridesTheConfigAndAppliesTheLedger() throws {
        let root = try CLIStockTests.publishedSite(stockFrom: false)
        defer { try? FileManager.default.removeItem(at: root) }
        let set = try CLITests.run(["stock", "set", "mugs", "2", "--target", "local", "--site", root.path, "--now", Self.now])
        #expect(set.status == 0, "\(set.stderr)")

        let plain = try CLITests.run(["build", "--site", root.path, "--now", Self.now, "--out", root.appendingPathComponent("plain").path])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try String(contentsOf: root.appendingPathComponent("plain/drops/mugs/index.html"), encoding: .utf8).contains("24 of 24 left"))

        let out = root.appendingPathComponent("stocked")
        let built = try CLITests.run(["build", "--site", root.path, "--now", Self.now, "--out", out.path, "--stock-from", "local"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stderr == "")
        #expect(try String(contentsOf: out.appendingPathComponent("drops/mugs/index.html"), encoding: .utf8).contains("2 of 24 left"))
        let live = try String(contentsOf: out.appendingPathComponent("live/mugs.json"), encoding: .utf8)
        #expect(live.hasPrefix(#"{"remaining":2,"state":"live","updated":""#))
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var arguments: [String]
        /// The ledger's bytes at `.edge/.dropgen/stock.json`, if any.
        var ledger: String?
        var status: Int32
        var stderr: String
        var testDescription: String { name }
    }

    static let publish = "publish:\n  default: local\n  targets:\n    local: { url: \"file://.edge\" }\n"
    static let refusals: [Refusal] = [
        Refusal(name: "unknown target in --stock-from", yaml: publish, arguments: ["--stock-from", "locl"], status: 1,
                stderr: "error: --stock-from locl: no publish target named `locl`; did you mean `local`? (publish.targets: local)\n"),
        Refusal(name: "unknown target in stock.from", yaml: "stock: { from: prod }\n" + publish, arguments: [], status: 1,
                stderr: "dropgen.yaml:4:16: stock.from: no publish target named `prod` (publish.targets: local)\n"),
        Refusal(name: "--stock-from wins over stock.from", yaml: "stock: { from: local }\n" + publish, arguments: ["--stock-from", "edge"],
                status: 1, stderr: "error: --stock-from edge: no publish target named `edge` (publish.targets: local)\n"),
        Refusal(name: "an empty --stock-from", yaml: publish, arguments: ["--stock-from", ""], status: 2,
                stderr: "Error: --stock-from: expected the name of a publish target (publish.targets in dropgen.yaml)\nUsage: dropgen build "),
        Refusal(name: "a ledger that does not decode", yaml: "stock: { from: local }\n" + publish, arguments: [], ledger: "{\"entries\": 7",
                status: 1, stderr: "error: cannot read the stock ledger (.dropgen/stock.json) at target `local` (file://.edge): "),
        Refusal(name: "a publish: section that does not load", yaml: "stock: { from: local }\npublish:\n  wokers: 2\n", arguments: [],
                status: 1, stderr: "dropgen.yaml:6:3: publish.wokers: unknown key; did you mean `workers`?\n1 error; nothing was written.\n"),
    ]

    @Test(arguments: refusals) func buildsThatCannotReadTheirStockStop(_ refusal: Refusal) throws {
        var files = CLITests.files
        files["dropgen.yaml"] = "title: T\nbase_url: https://t.example\ntimezone: Europe/Berlin\n" + refusal.yaml
        if let ledger = refusal.ledger { files[".edge/.dropgen/stock.json"] = ledger }
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLITests.run(["build", "--site", root.path, "--now", Self.now] + refusal.arguments)
        #expect(result.status == refusal.status)
        if refusal.status == 2 {
            #expect(result.stderr.hasPrefix(refusal.stderr), "\(result.stderr)")
        } else if refusal.ledger == nil {
            #expect(result.stderr == refusal.stderr)
        } else {
            #expect(result.stderr.hasPrefix(refusal.stderr), "\(result.stderr)")
            #expect(result.stderr.hasSuffix("; nothing was built, so no page shows stock the ledger may have changed\n"))
        }
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("public").path), "nothing is built")
    }
}
