import Foundation
import Testing
import Yams
@testable import SiteBuilder

/// The GitHub Actions workflow `dropgen init` writes (examples/ci/publish.yml): valid against
/// GitHub's workflow schema, every shell step parses, and the scheduled check decides as documented.
@Suite struct WorkflowTests {
    static func workflow() throws -> (text: String, steps: [(job: String, name: String, run: String)]) {
        let root = ScaffoldTests.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        try Scaffold.initSite(at: root, now: Fixture.now)
        let text = try String(contentsOf: root.appendingPathComponent("examples/ci/publish.yml"), encoding: .utf8)
        let yaml = try #require(try Yams.load(yaml: text) as? [String: Any])
        let jobs = try #require(yaml["jobs"] as? [String: [String: Any]])
        var steps: [(String, String, String)] = []
        for (job, body) in jobs.sorted(by: { $0.key < $1.key }) {
            for (index, step) in (body["steps"] as? [[String: Any]] ?? []).enumerated() {
                if let run = step["run"] as? String { steps.append((job, step["name"] as? String ?? "step \(index + 1)", run)) }
            }
        }
        return (text, steps)
    }

    /// Runs `arguments` (the first found on PATH) in `directory`; status and output together.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-workflow-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
    }

    @Test func matchesGitHubsWorkflowSchema() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-publish-\(UUID().uuidString).yml")
        try Self.workflow().text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        // check-jsonschema (PyPI) is installed by `scripts/install-deps.sh --test`.
        let (status, output) = try Self.run(["check-jsonschema", "--builtin-schema", "vendor.github-workflows", file.path])
        #expect(status == 0, "\(output)")
    }

    @Test func everyShellStepParsesAndTakesExpressionsFromTheEnvironment() throws {
        let steps = try Self.workflow().steps
        #expect(steps.count >= 5)
        for step in steps {
            // An expression pasted into a script is a script injection; each comes in by `env:`.
            #expect(!step.run.contains("${{"), "\(step.job) / \(step.name) writes an expression into its script")
            let (status, output) = try Self.run(["bash", "-n", "-c", step.run])
            #expect(status == 0, "\(step.job) / \(step.name): \(output)")
        }
    }

    /// The scheduled check: a push always builds; on the schedule, only a state change that is due
    /// (or past) within LOOKAHEAD_MINUTES, and then it says when.
    @Test(arguments: [
        ("push", nil, "run=true\n"),
        ("schedule", nil, "run=false\n"),
        ("schedule", "", "run=false\n"),
        ("schedule", "2000-01-01T00:00:00Z", "run=true\nat=946684800\n"),
        ("schedule", "9999-12-31T23:59:59Z", "run=false\n"),
    ] as [(String, String?, String)])
    func dueDecides(event: String, next: String?, outputs: String) throws {
        let due = try #require(try Self.workflow().steps.first { $0.name == "Due?" })
        let folder = ScaffoldTests.scratch()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        if let next {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(".dropgen-next"), withIntermediateDirectories: true)
            try next.write(to: folder.appendingPathComponent(".dropgen-next/next_transition"), atomically: true, encoding: .utf8)
        }
        let github = folder.appendingPathComponent("github-output")
        _ = FileManager.default.createFile(atPath: github.path, contents: nil)
        // As Actions runs a step: bash -e, the workflow's env, GITHUB_OUTPUT.
        let (status, log) = try Self.run(["bash", "-e", "-c", due.run], in: folder,
                                         environment: ["EVENT": event, "LOOKAHEAD_MINUTES": "25", "GITHUB_OUTPUT": github.path])
        #expect(status == 0, "\(log)")
        #expect(try String(contentsOf: github, encoding: .utf8) == outputs, "\(log)")
    }
}
