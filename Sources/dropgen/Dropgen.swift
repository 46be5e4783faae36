import ArgumentParser
import Foundation
import SiteManifest

@main
struct Dropgen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropgen",
        abstract: "Build and publish a micro-drop marketplace site.",
        discussion: """
            A site is a folder with dropgen.yaml, content/ (drops, creators, badges, policies, events), \
            optional data/ exports for computed badges, and optionally templates/ and static/ to \
            override the default theme.

            Exit status, the same for every command:
              0  success
              1  a mistake dropgen names: bad content or settings, a failed check, an
                 output folder or target that is not dropgen's, a publish, rollback or
                 listing that failed (the store, credentials, the deadline), or old
                 objects left unpruned over publish.max_deletes
              2  a usage error: an unknown command or option, a bad --now, no such --site
              3  an error dropgen does not interpret (a port in use, a full disk) or a bug
            """,
        version: "dropgen \(DropgenVersion.description)",
        subcommands: [Init.self, New.self, Build.self, Check.self, Serve.self, NextRebuild.self, Publish.self, Deploys.self,
                      Rollback.self, Stock.self, Live.self, Access.self, Announce.self, Report.self, Probe.self])

    /// ArgumentParser exits 64 on usage errors; dropgen promises 2, as most Unix tools do. The
    /// other statuses come from `runReportingErrors` (Terminal.swift).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
