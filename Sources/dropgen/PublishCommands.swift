import ArgumentParser
import Foundation
import Publisher

/// Options shared by `publish`, `deploys` and `rollback`.
struct PublishTargetOptions: ParsableArguments {
    @OptionGroup var siteOptions: SiteOptions

    @Option(name: .long, help: "A target named under publish.targets in dropgen.yaml (default: publish.default).")
    var target: String?

    @Flag(name: .long, help: "Print a machine-readable JSON report on stdout.")
    var json = false

    @OptionGroup var clock: ClockOptions<DeployClock>

    var siteURL: URL { siteOptions.root }

    /// The build folder `publish` reads: `dir`, else `<site>/public`.
    func buildFolder(_ dir: String? = nil) -> URL {
        dir.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? siteURL.appendingPathComponent("public")
    }

    /// Config, chosen target and a publisher drawing its progress on `terminal` (when interactive).
    func publisher(progress terminal: Terminal? = nil, build: URL? = nil) throws -> Publisher {
        try makePublisher(site: siteURL, target: target, build: build ?? buildFolder(), now: clock.fixed, progress: terminal)
    }
}

/// The publisher for the target named `target` (else `publish.default`) of the site's
/// `publish:` settings, stamping deploys at `now` (nil: the wall clock).
func makePublisher(site: URL, target: String?, build: URL, now fixed: Date?, progress terminal: Terminal?) throws -> Publisher {
    let config = try PublishConfig.load(siteRoot: site)
    let entry = try config.target(named: target)
    let made = try entry.makeTarget(site: site, build: build)
    let progress = terminal?.publishProgressHandler
    return Publisher(target: made, config: config, purge: config.purgeHook(for: entry),
                     clock: { fixed ?? Date() }, progress: { event in progress?(event) })
}

extension PublishError: UserError {}

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish the built site to a target: changed files only, assets before pages, verified.")

    @OptionGroup var options: PublishTargetOptions

    @Option(name: .long, help: "The build folder (default: <site>/public).")
    var dir: String?

    @Flag(name: .long, help: "Print the plan and change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Allow pruning more than publish.max_deletes old objects.")
    var yes = false

    func run() async throws {
        let terminal = Terminal(quiet: dryRun || options.json)
        try await runReportingErrors(terminal) {
            let build = options.buildFolder(dir)
            let publisher = try options.publisher(progress: terminal, build: build)
            // Read before the publish: a mistake in `announce:` stops it before anything is uploaded.
            let announcer = dryRun ? nil : try makeAnnouncer(site: options.siteURL, target: publisher.target, now: options.clock.fixed)
            if dryRun && !options.json {
                let plan = try await publisher.withinDeadline("publish --dry-run") { try await $0.plan(buildDirectory: build) }
                print(PlanPrinter.text(plan))
                return
            }
            let (dryRun, yes) = (dryRun, yes)
            let report = try await publisher.withinDeadline("publish") {
                try await $0.publish(buildDirectory: build, dryRun: dryRun, allowManyDeletes: yes)
            }
            // Only now is the deploy verified and live: every announced link opens its page.
            let announced = await announcer?.afterPublish(buildDirectory: build)
            if options.json {
                try printJSON(PublishOutput(report: report, announcements: announced))
            } else {
                print(report.summary)
                if let announced { print(announced.summary) }
            }
            for warning in report.warnings {
                printError("warning: \(warning)")
            }
            if report.pruneRefused > 0 && !dryRun { throw ExitCode(1) }
        }
    }
}

struct Deploys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the deploys on a target and which one is live.")

    @OptionGroup var options: PublishTargetOptions

    func run() async throws {
        try await runReportingErrors(Terminal(quiet: true)) {
            let deploys = try await options.publisher().withinDeadline("deploys") { try await $0.deploys() }
            if options.json {
                try printJSON(["deploys": deploys])
                return
            }
            if deploys.isEmpty {
                print("no deploys yet")
                return
            }
            for deploy in deploys {
                let size = ByteCountFormatter.string(fromByteCount: Int64(deploy.bytes), countStyle: .binary)
                print("\(deploy.live ? "*" : " ") \(deploy.id)  \(deploy.createdAt)  \(deploy.files) files  \(size)\(deploy.live ? "  (live)" : "")")
            }
        }
    }
}

struct Rollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an earlier deploy live again (default: the previous one), without a rebuild.")

    @OptionGroup var options: PublishTargetOptions

    @Option(name: .long, help: "The deploy id to make live (see `dropgen deploys`).")
    var to: String?

    func run() async throws {
        let terminal = Terminal(quiet: options.json)
        try await runReportingErrors(terminal) {
            let to = to
            let report = try await options.publisher(progress: terminal).withinDeadline("rollback") { try await $0.rollback(to: to) }
            if options.json {
                try printJSON(report)
            } else {
                print("rolled back \(report.target) from \(report.fromID) to \(report.toID): \(report.copied.count) files restored in \(String(format: "%.1f", report.duration)) s")
            }
        }
    }
}

enum PlanPrinter {
    static func text(_ plan: DeployPlan) -> String {
        var lines: [String] = []
        if let record = plan.record {
            lines.append("plan for deploy \(record.id): \(plan.uploads.count) uploads, \(plan.kept.count) unchanged, \(plan.prune.count) to prune")
        } else {
            lines.append("up to date: \(plan.kept.count) files unchanged, \(plan.prune.count) to prune")
        }
        for (group, uploads) in plan.groups {
            lines.append("\(group.label):")
            for upload in uploads {
                lines.append("  \(upload.createOnly ? "+" : "~") \(upload.key)  (\(upload.reason.rawValue), \(upload.size) B)")
            }
        }
        if !plan.prune.isEmpty {
            lines.append("prune:")
            for candidate in plan.prune { lines.append("  - \(candidate.key)") }
        }
        if !plan.heldBack.isEmpty { lines.append("held back by the grace period: \(plan.heldBack.count)") }
        return lines.joined(separator: "\n")
    }
}
