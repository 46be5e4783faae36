import ArgumentParser
import Foundation

@main
struct Dropgen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropgen",
        abstract: "Build and publish a micro-drop marketplace site.",
        discussion: """
            A site is a folder with dropgen.yaml, content/ (drops, creators, badges, policies, events), \
            optional data/ exports for computed badges, and optionally templates/ and static/ to \
            override the default theme.
            Exit status: 0 success, 1 bad content or a failed check, 2 usage error, 3 internal failure.
            """,
        subcommands: [Init.self, New.self, Build.self, Check.self, Serve.self, NextRebuild.self, Publish.self, Deploys.self,
                      Rollback.self])

    /// ArgumentParser exits 64 on usage errors; dropgen promises 2, as most Unix tools do.
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
