import Foundation
import Testing

/// `--now` is one option group: each command keeps its help text and the example its error
/// names, and only the commands that compute drop states read `SOURCE_DATE_EPOCH`.
@Suite struct CLIClockTests {
    static let dropStates = "expected an RFC 3339 time with an offset, such as 2026-12-04T18:00:00+01:00"
    static let deploys = "expected an RFC 3339 time with an offset, such as 2026-11-29T01:30:00Z"

    @Test(arguments: [
        (["build"], dropStates), (["check"], dropStates), (["next-rebuild"], dropStates),
        (["new", "drop", "Mugs again"], dropStates), (["serve"], dropStates),
        (["publish"], deploys), (["deploys"], deploys), (["rollback"], deploys),
    ])
    func aBadNowNamesTheCommandsExample(command: [String], problem: String) throws {
        let root = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLILimitsTests.run(command + ["--site", root.path, "--now", "tomorrow"])
        #expect(result.status == 2, "\(command): \(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: --now tomorrow: \(problem)\n"), "\(command): \(result.stderr)")
    }

    @Test(arguments: [
        (["build"], "Compute drop states at this instant, e.g. 2026-12-04T18:00:00+01:00 (default: SOURCE_DATE_EPOCH if set, else now)."),
        (["serve"], "Compute drop states at this fixed instant (default: the wall clock at each rebuild)."),
        (["publish"], "The time to stamp the deploy with, RFC 3339 (default: now)."),
    ])
    func eachCommandKeepsItsHelp(command: [String], help: String) throws {
        let result = try CLILimitsTests.run(command + ["--help"])
        #expect(result.status == 0)
        // The help is wrapped to the terminal's width: compared with its white space collapsed.
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("--now <RFC3339> \(help)"), "\(result.stdout)")
    }

    /// A bad SOURCE_DATE_EPOCH is refused where it would set the clock, and not read elsewhere.
    @Test func onlyDropStateCommandsReadSourceDateEpoch() throws {
        let root = try CLITests.site(CLITests.files)
        defer { try? FileManager.default.removeItem(at: root) }
        let build = try CLILimitsTests.run(["next-rebuild", "--site", root.path], environment: ["SOURCE_DATE_EPOCH": "soon"])
        #expect(build.status == 2)
        #expect(build.stderr.hasPrefix("Error: SOURCE_DATE_EPOCH=soon: expected whole seconds since 1970\n"), "\(build.stderr)")
        let deploys = try CLILimitsTests.run(["deploys", "--site", root.path], environment: ["SOURCE_DATE_EPOCH": "soon"])
        #expect(!deploys.stderr.contains("SOURCE_DATE_EPOCH"), "\(deploys.stderr)")
    }
}
