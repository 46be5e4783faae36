import ArgumentParser
import EdgeProbe
import Foundation
import Publisher
import SiteBuilder
import SiteManifest

extension ProbeLog.Refused: UserError {}

struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the live site as a phone reaches it: first byte of pages and hero media, and their cache headers.",
        discussion: """
            Requests the home page, the first 3 product pages it links to and every hero clip and poster they name, \
            --samples times each, one at a time, each on a fresh connection (DNS, connect, TLS each time; media with \
            Range: bytes=0-). Prints p50/p95 of DNS, connect, TLS, first byte and total per kind, the CDN's cache \
            headers (Age, X-Cache, CF-Cache-Status, Server-Timing), and checks Cache-Control against the edge rules: \
            content-hashed assets immutable, HTML publish.html_cache_control. Bounded: at most 12 media objects, 10 s \
            a request, 120 s in all. Exit 1 when the p95 first byte of hero clips or posters is over \
            budgets.hero_first_byte_ms (default 120) or a header or status is wrong. Each request is appended to \
            data/probes.csv, which dropgen report charts.

            Example: dropgen probe https://market.example/ --samples 5
            """)

    @Argument(help: ArgumentHelp("The site's URL (default: base_url of dropgen.yaml).", valueName: "URL"))
    var url: String?

    @OptionGroup var siteOptions: SiteOptions

    @Option(name: .long, help: ArgumentHelp("Probe the edge of this publish target (an S3 target's bucket URL).", valueName: "NAME"))
    var target: String?

    @Option(name: .long, help: ArgumentHelp("Requests per object, 1...20.", valueName: "N"))
    var samples = 5

    @Flag(name: .long, help: "Print a machine-readable report.")
    var json = false

    func validate() throws {
        guard EdgeProbe.Options.samplesRange.contains(samples) else {
            throw ValidationError("--samples \(samples): must be 1...20 (a probe measures, it is not a load test)")
        }
        if let url, ProbeURL(url) == nil { throw ValidationError("\(url): expected an http:// or https:// URL") }
        if url != nil, target != nil { throw ValidationError("give a URL or --target, not both") }
    }

    func run() async throws {
        let terminal = Terminal(quiet: true)
        let root = siteOptions.root
        let hasSite = FileManager.default.fileExists(atPath: root.appendingPathComponent("dropgen.yaml").path)
        let report = try await runReportingErrors(terminal) { () async throws -> EdgeProbe.Report in
            var options: EdgeProbe.Options
            if hasSite {
                let config = try SiteConfig.load(root: root)
                let publish = try PublishConfig.load(siteRoot: root)
                let (base, bucketRoot) = try base(config: config, publish: publish)
                options = EdgeProbe.Options(base: base)
                options.bucketRoot = bucketRoot
                options.heroFirstByteBudgetMs = config.budgets.heroFirstByteMs
                options.headerRules = HeaderRules(htmlCacheControl: publish.htmlCacheControl, liveCacheControl: publish.liveCacheControl)
            } else {
                guard let url, let base = ProbeURL(url) else {
                    throw ValidationError("no dropgen.yaml in \(root.path): give the URL to probe")
                }
                options = EdgeProbe.Options(base: base)
            }
            options.samples = samples
            return try await EdgeProbe.run(options, probedAt: RFC3339.format(Date()))
        }
        var recorded: Int?
        if hasSite {
            recorded = try await runReportingErrors(terminal) {
                let log = root.appendingPathComponent(ProbeLog.file)
                if SiteFolder(root: root).leaves(log.path) || SiteFolder(root: root).leaves(log.deletingLastPathComponent().path) {
                    throw ProbeLog.Refused(description: "\(ProbeLog.file): \(SiteFolder.leavesMessage); nothing was recorded")
                }
                return try ProbeLog.append(report, to: log)
            }
        }
        if json {
            try printJSON(report)
        } else {
            printText(report, recorded: recorded)
        }
        if !report.passed { throw ExitCode(1) }
    }

    /// The URL to start at, and for a bucket its root path.
    private func base(config: SiteConfig, publish: PublishConfig) throws -> (ProbeURL, String?) {
        if let url, let base = ProbeURL(url) { return (base, nil) }
        guard let target else {
            guard let base = ProbeURL(config.baseURL) else { throw ValidationError("base_url \(config.baseURL): not an http(s) URL") }
            return (base, nil)
        }
        guard let entry = publish.targets[target] else {
            throw ValidationError("--target \(target): no publish target named `\(target)` (publish.targets: "
                                  + "\(publish.targets.keys.sorted().joined(separator: ", ")))")
        }
        switch entry.location {
        case .folder(let folder):
            throw ValidationError("--target \(target): a folder (\(folder.path)) has no URL; serve it (dropgen serve, or the host "
                                  + "that serves it) and pass that URL")
        case .s3(let bucket, let prefix):
            let environment = ProcessInfo.processInfo.environment
            let endpoint = entry.endpoint ?? environment["AWS_ENDPOINT_URL_S3"] ?? environment["AWS_ENDPOINT_URL"]
                ?? "https://s3.\(entry.region ?? environment["AWS_REGION"] ?? "us-east-1").amazonaws.com"
            guard let host = URLComponents(string: endpoint), let scheme = host.scheme, let name = host.host else {
                throw ValidationError("--target \(target): endpoint \(endpoint) is not a URL")
            }
            let port = host.port.map { ":\($0)" } ?? ""
            let path = prefix.isEmpty ? "" : "/" + prefix
            let root = entry.pathStyle ? "/\(bucket)\(path)" : path
            let text = entry.pathStyle ? "\(scheme)://\(name)\(port)\(root)/index.html" : "\(scheme)://\(bucket).\(name)\(port)\(root)/index.html"
            guard let base = ProbeURL(text) else { throw ValidationError("--target \(target): \(text) is not a URL") }
            return (base, root.isEmpty ? nil : root)
        }
    }

    private func printText(_ report: EdgeProbe.Report, recorded: Int?) {
        print("probe \(report.base): \(report.requests) requests, \(report.samples) per object, fresh connections")
        func ms(_ value: Double?) -> String { value.map { EdgeProbe.format($0) } ?? "-" }
        print("kind       objects  first byte p50/p95 ms  total p50/p95 ms  dns/connect/tls p50 ms  failed")
        for kind in report.kinds {
            let name = kind.kind.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            print("\(name) \(String(kind.objects).leftPadded(7))  \("\(ms(kind.firstByteP50Ms)) / \(ms(kind.firstByteP95Ms))".leftPadded(21))  "
                  + "\("\(ms(kind.totalP50Ms)) / \(ms(kind.totalP95Ms))".leftPadded(16))  "
                  + "\("\(ms(kind.dnsP50Ms)) / \(ms(kind.connectP50Ms)) / \(ms(kind.tlsP50Ms))".leftPadded(22))  \(kind.failed)")
        }
        for object in report.objects {
            if let cache = object.samples.last?.cache, !cache.isEmpty { print("\(LineSafe.terminalEscaped(object.path)): \(LineSafe.terminalEscaped(cache))") }
        }
        for note in report.notes { print("note: \(LineSafe.terminalEscaped(note))") }
        for problem in report.problems { print("problem: \(LineSafe.terminalEscaped(problem))") }
        if let recorded { print("appended \(recorded) rows to \(ProbeLog.file)") }
        print(report.passed ? "OK: hero media within \(EdgeProbe.format(report.heroFirstByteBudgetMs)) ms at p95, headers as the edge rules say."
              : "\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s").")
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
