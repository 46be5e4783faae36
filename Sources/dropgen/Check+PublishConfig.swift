import Announce
import Publisher
import SiteSource

extension Check {
    /// Runs `body` (the site's check) and reads the `publish:` section of dropgen.yaml too, so
    /// that its mistakes and the site's are reported together as one `BuildFailed`. A mistake
    /// both readers see (invalid YAML in dropgen.yaml) is reported once.
    func reportingPublishConfig<T>(_ body: () async throws -> T) async throws -> T {
        var publish = DiagnosticLog()
        _ = PublishConfig.load(siteRoot: siteOptions.root, log: &publish)
        // `announce:` as well; what the publish reader saw already (invalid YAML) only once.
        var announce = DiagnosticLog()
        _ = AnnounceConfig.load(siteRoot: siteOptions.root, log: &announce)
        let seenByPublish = Set(publish.all)
        publish.add(contentsOf: announce.all.filter { !seenByPublish.contains($0) })
        let result: T
        do {
            result = try await body()
        } catch let failure as BuildFailed {
            var log = DiagnosticLog()
            log.add(contentsOf: failure)
            let seen = Set(failure.diagnostics)
            log.add(contentsOf: publish.all.filter { !seen.contains($0) })
            throw BuildFailed(log)
        }
        try publish.throwIfAny()
        return result
    }
}
