import Foundation
import Publisher
import SiteSource

extension Announcer {
    /// The announcer of a site's `announce:` section for `target`; nil when the site has none.
    /// `templates` are the announcement templates by name (`announce/discord`), the theme's
    /// replaced by the site's. Every mistake (the section, a missing or broken template) is
    /// thrown together, before anything is published.
    public static func load(siteRoot: URL, templates: [String: String], target: any PublishTarget,
                            clock: @escaping @Sendable () -> Date = { Date() }) throws(BuildFailed) -> Announcer? {
        guard let config = try AnnounceConfig.load(siteRoot: siteRoot) else { return nil }
        let library = try MessageTemplates(templates)
        try library.check(config)
        return Announcer(config: config, templates: library, target: target, clock: clock)
    }

    /// Announces after a verified publish of `buildDirectory`, whose catalog is now live at the
    /// target. Never throws: a failure is the report's `error`, and the publish stands.
    public func afterPublish(buildDirectory: URL) async -> AnnounceReport {
        do {
            return try await run(catalog: LiveCatalog.read(buildDirectory: buildDirectory))
        } catch {
            var report = AnnounceReport(target: store.target.displayName, dryRun: false)
            report.error = error is CancellationError ? "cancelled; the next run sends what is pending" : "\(error)"
            return report
        }
    }
}
