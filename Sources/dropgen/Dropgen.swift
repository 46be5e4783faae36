import ArgumentParser

@main
struct Dropgen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropgen",
        abstract: "Build and publish a micro-drop marketplace site.",
        subcommands: [Publish.self, Deploys.self, Rollback.self])
}
