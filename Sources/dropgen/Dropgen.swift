import ArgumentParser

@main
struct Dropgen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropgen",
        abstract: "Build and publish a micro-drop marketplace site.",
        discussion: """
            A site is a folder with dropgen.yaml, content/ (drops, creators, badges, policies), and \
            optionally templates/ and static/ to override the default theme.
            Exit status: 0 success, 1 bad content or failed check, 2 usage error, 3 internal failure.
            """,
        subcommands: [Init.self, New.self, Build.self, Check.self, Serve.self])
}
