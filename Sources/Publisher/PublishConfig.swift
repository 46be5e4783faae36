import Foundation
import SiteManifest
import SiteSource

/// The `publish:` section of `dropgen.yaml`: where a built site goes and how.
public struct PublishConfig: Sendable, Equatable {
    public struct Target: Sendable, Equatable {
        public enum Location: Sendable, Equatable {
            /// A folder on this machine, absolute (resolved against the site folder when loaded).
            case folder(URL)
            /// An S3-compatible bucket with an optional key prefix (no leading or trailing `/`).
            case s3(bucket: String, prefix: String)
        }

        public var name: String
        public var url: String
        public var location: Location
        /// S3 only: the service endpoint; nil → `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, or AWS.
        public var endpoint: String?
        /// S3 only: signing region (`auto` for R2); nil → `AWS_REGION`, else `us-east-1`.
        public var region: String?
        /// S3 only: `https://host/bucket/key` instead of `https://bucket.host/key`.
        public var pathStyle: Bool
        /// An optional CDN purge hook: changed HTML URLs are POSTed there as JSON.
        public var purgeURL: String?
        /// Or a shell command that gets the same JSON on standard input.
        public var purgeCommand: String?

        public init(name: String, url: String, location: Location, endpoint: String? = nil,
                    region: String? = nil, pathStyle: Bool = false, purgeURL: String? = nil) {
            self.name = name
            self.url = url
            self.location = location
            self.endpoint = endpoint
            self.region = region
            self.pathStyle = pathStyle
            self.purgeURL = purgeURL
        }
    }

    public var defaultTarget: String
    public var targets: [String: Target]
    /// Cache-Control for HTML, feeds, sitemap, catalog.json and other stable-named files.
    public var htmlCacheControl: String
    /// Cache-Control for the live stock files (`live.json`, `live/<slug>.json`): seconds, not minutes.
    public var liveCacheControl: String = EdgeRules.defaultLiveCacheControl
    /// How many of the most recent deploys keep their objects.
    public var retain: Int
    /// Minimum age in seconds before an unreferenced object may be pruned.
    public var grace: TimeInterval
    public var maxDeletes: Int
    public var workers: Int
    /// Seconds a publish, rollback or listing may take in all before it is stopped.
    public var deadline: TimeInterval = 1800
    /// Seconds between the publishes that list the whole target and prune it; the others read
    /// only the live pointer and record (a deploy cut short, or `--yes`, lists at once). 0: every publish.
    public var pruneInterval: TimeInterval = 3600
    /// Site-wide purge hook (a target's own `purge_url` wins).
    public var purgeURL: String?
    public var purgeCommand: String?
    /// The site's public base URL, used to turn changed paths into purge URLs.
    public var baseURL: String?

    public init(defaultTarget: String = "local", targets: [String: Target]? = nil,
                htmlCacheControl: String = EdgeRules.defaultRevalidateCacheControl,
                retain: Int = 5, grace: TimeInterval = 3600, maxDeletes: Int = 256, workers: Int = 8,
                purgeURL: String? = nil, baseURL: String? = nil, siteRoot: URL? = nil) {
        self.defaultTarget = defaultTarget
        let root = siteRoot ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.targets = targets ?? [
            "local": Target(name: "local", url: "file://.edge",
                            location: .folder(root.appendingPathComponent(".edge").standardizedFileURL)),
        ]
        self.htmlCacheControl = htmlCacheControl
        self.retain = retain
        self.grace = grace
        self.maxDeletes = maxDeletes
        self.workers = workers
        self.purgeURL = purgeURL
        self.baseURL = baseURL
    }

    public static let fileName = "dropgen.yaml"

    /// Reads `dropgen.yaml` in `siteRoot`, section `publish:`. A missing file or section gives the
    /// defaults (a local folder target `file://.edge`); every mistake is a `Diagnostic` naming
    /// file, line, column and key, all of them thrown together.
    public static func load(siteRoot: URL) throws(BuildFailed) -> PublishConfig {
        var log = DiagnosticLog()
        guard let config = load(siteRoot: siteRoot, log: &log) else { throw BuildFailed(log) }
        return config
    }

    /// The same, adding its mistakes to `log` (as `dropgen check` does, with the site's own);
    /// nil when there was any.
    public static func load(siteRoot: URL, log: inout DiagnosticLog) -> PublishConfig? {
        let file = siteRoot.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: file.path) else {
            return PublishConfig(siteRoot: siteRoot)
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            log.add(Diagnostic(file: fileName, message: "cannot read: \(error.localizedDescription)"))
            return nil
        }
        guard let text = decodeUTF8(data, path: fileName, log: &log) else { return nil }
        return read(yaml: text, fileName: fileName, siteRoot: siteRoot, log: &log)
    }

    /// The purge hook for `target`: its own `purge_url` / `purge_command`, else the site-wide one.
    public func purgeHook(for target: Target) -> PurgeHook? {
        if let url = target.purgeURL { return PurgeHook(action: .post(url: url), baseURL: baseURL) }
        if let command = target.purgeCommand { return PurgeHook(action: .command(command), baseURL: baseURL) }
        if let url = purgeURL { return PurgeHook(action: .post(url: url), baseURL: baseURL) }
        if let command = purgeCommand { return PurgeHook(action: .command(command), baseURL: baseURL) }
        return nil
    }

    /// The target named `name`, or the default one.
    public func target(named name: String?) throws(Diagnostic) -> Target {
        let wanted = name ?? defaultTarget
        guard let target = targets[wanted] else {
            throw Diagnostic(file: Self.fileName,
                             message: "no publish target named '\(wanted)' (known: \(targets.keys.sorted().joined(separator: ", ")))")
        }
        return target
    }
}
