import Announce
import Foundation
import SiteBuilder

extension StockUpdater {
    /// Announces what the update just published (an opening, last units, a sell-out) to the
    /// site's channels. Never throws: stock is applied and published whatever the channels do;
    /// what they leave pending goes out with the next update or `dropgen announce`.
    func announce() async -> AnnounceReport? {
        if announcer == nil {
            do {
                let site = configuration.siteRoot
                var made = try Announcer.load(siteRoot: site, templates: AnnouncementTemplates.sources(siteRoot: site),
                                              target: publisher.target, clock: configuration.now)
                made?.environment = configuration.environment
                announcer = .some(made)
            } catch {
                var report = AnnounceReport(target: publisher.target.displayName, dryRun: false)
                report.error = "\(error)"
                return report
            }
        }
        guard let announcer = announcer ?? nil else { return nil }
        return await announcer.afterPublish(buildDirectory: configuration.output)
    }
}
