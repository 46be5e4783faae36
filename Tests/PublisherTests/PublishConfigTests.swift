import Foundation
import SiteSource
import Testing
@testable import Publisher

@Suite("PublishConfig")
struct PublishConfigTests {
    func withSite(_ yaml: String?, _ body: (URL) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        if let yaml { try yaml.write(to: root.appendingPathComponent("dropgen.yaml"), atomically: true, encoding: .utf8) }
        try body(root)
    }

    @Test func defaultsWithoutSection() throws {
        for yaml in [nil, "title: Drops\nbase_url: https://shop.example\n"] {
            try withSite(yaml) { root in
                let config = try PublishConfig.load(siteRoot: root)
                #expect(config.defaultTarget == "local")
                let target = try config.target(named: nil)
                #expect(target.url == "file://.edge")
                #expect(target.location == .folder(root.appendingPathComponent(".edge").standardizedFileURL))
                #expect(config.retain == 5)
                #expect(config.grace == 3600)
                #expect(config.maxDeletes == 256)
                #expect(config.workers == 8)
                #expect(config.htmlCacheControl == "public, max-age=0, must-revalidate")
            }
        }
    }

    @Test func fullSection() throws {
        let yaml = """
        title: Drops
        base_url: https://shop.example
        publish:
          default: production
          targets:
            local:      { url: "file://.edge" }
            production:
              url: "s3://my-bucket/optional/prefix/"
              endpoint: "https://ACCOUNT.r2.cloudflarestorage.com"
              region: auto
              path_style: true
              purge_url: "https://purge.example/hook"
          html_cache_control: "public, max-age=0, s-maxage=60, stale-while-revalidate=30"
          retain: 3
          grace: 30m
          max_deletes: 10
          workers: 4
        """
        try withSite(yaml) { root in
            let config = try PublishConfig.load(siteRoot: root)
            let production = try config.target(named: nil)
            #expect(production.name == "production")
            #expect(production.location == .s3(bucket: "my-bucket", prefix: "optional/prefix"))
            #expect(production.endpoint == "https://ACCOUNT.r2.cloudflarestorage.com")
            #expect(production.region == "auto")
            #expect(production.pathStyle)
            #expect(production.purgeURL == "https://purge.example/hook")
            #expect(config.purgeHook(for: production) == PurgeHook(action: .post(url: "https://purge.example/hook"),
                                                                   baseURL: "https://shop.example"))
            #expect(config.purgeHook(for: try config.target(named: "local")) == nil)
            #expect(config.htmlCacheControl == "public, max-age=0, s-maxage=60, stale-while-revalidate=30")
            #expect(config.retain == 3)
            #expect(config.grace == 1800)
            #expect(config.maxDeletes == 10)
            #expect(config.workers == 4)
            #expect(config.baseURL == "https://shop.example")
            #expect(try config.target(named: "local").location == .folder(root.appendingPathComponent(".edge").standardizedFileURL))
            #expect(throws: Diagnostic.self) { try config.target(named: "staging") }
        }
    }

    @Test func unknownKeyNamesFileLineAndKey() throws {
        let yaml = """
        title: Drops
        publish:
          retain: 3
          wokers: 4
        """
        try withSite(yaml) { root in
            do {
                _ = try PublishConfig.load(siteRoot: root)
                Issue.record("an unknown key was accepted")
            } catch let failure as BuildFailed {
                let error = try #require(failure.diagnostics.first)
                #expect(error.file == "dropgen.yaml")
                #expect(error.line == 4)
                #expect(error.key == "publish.wokers")
                #expect(error.description.hasPrefix("dropgen.yaml:4:"))
                #expect(error.description.contains("did you mean `workers`"))
            }
        }
    }

    @Test func unknownTargetKey() throws {
        let yaml = "publish:\n  targets:\n    local:\n      url: file://out\n      bucket: x\n"
        try withSite(yaml) { root in
            #expect(throws: BuildFailed.self) { _ = try PublishConfig.load(siteRoot: root) }
            do { _ = try PublishConfig.load(siteRoot: root) } catch let failure as BuildFailed {
                #expect(failure.diagnostics.first?.line == 5)
                #expect(failure.diagnostics.first?.key == "publish.targets.local.bucket")
            }
        }
    }

    @Test(arguments: [
        ("publish:\n  retain: zero\n", "publish.retain"),
        ("publish:\n  grace: soon\n", "publish.grace"),
        ("publish:\n  grace: inf\n", "publish.grace"),
        ("publish:\n  targets:\n    x: { url: 'ftp://a' }\n  default: x\n", "publish.targets.x.url"),
        ("publish:\n  default: nowhere\n", "publish.default"),
        ("publish:\n  targets:\n    x: { endpoint: 'http://a' }\n", "publish.targets.x"),
    ])
    func invalidValues(yaml: String, key: String) throws {
        try withSite(yaml) { root in
            do {
                _ = try PublishConfig.load(siteRoot: root)
                Issue.record("accepted: \(yaml)")
            } catch let failure as BuildFailed {
                #expect(failure.diagnostics.map(\.key) == [key])
                #expect(failure.diagnostics.first?.line != nil)
            }
        }
    }

    @Test func durations() {
        #expect(PublishConfig.parseDuration("1h") == 3600)
        #expect(PublishConfig.parseDuration("90s") == 90)
        #expect(PublishConfig.parseDuration("2d") == 172_800)
        #expect(PublishConfig.parseDuration("15m") == 900)
        #expect(PublishConfig.parseDuration("120") == 120)
        #expect(PublishConfig.parseDuration("1w") == nil)
    }

    /// Whatever Double reads that is not a finite, non-negative number is no duration, with or
    /// without a unit (found by fuzzing: `grace: inf` was accepted).
    @Test(arguments: ["inf", "infinity", "+inf", "-inf", "nan", "1e400", "infs", "infd", "1e307d", "1e305h", "1.8e308m", "-1", "-0.5h", "-nans"])
    func durationsAreFinite(_ text: String) {
        #expect(PublishConfig.parseDuration(text) == nil)
    }

    /// Every duration is written as messages write it without a trap, and reads back the same
    /// (found by fuzzing: 5.5e37 seconds, a whole number of days, trapped converting to Int).
    @Test(arguments: [("55555555555555555555555555555555555555", "5.555555555555555e+37s"), ("1e300", "1e+300s"),
                      ("86400", "1d"), ("90m", "90m"), ("1.5h", "90m"), ("45", "45s"), ("0.5", "0.5s"), ("0", "0s")])
    func durationsAreWrittenBack(_ text: String, _ written: String) throws {
        let seconds = try #require(PublishConfig.parseDuration(text))
        #expect(PublishConfig.durationText(seconds) == written)
        #expect(PublishConfig.parseDuration(written) == seconds)
    }

    @Test func makesTargets() throws {
        try withSite("publish:\n  targets:\n    local: { url: 'file:///tmp/dropgen-edge-x' }\n    s3: { url: 's3://b/p', endpoint: 'http://127.0.0.1:1', path_style: true }\n") { root in
            let config = try PublishConfig.load(siteRoot: root)
            let local = try config.target(named: "local").makeTarget(environment: [:])
            #expect((local as? LocalFolderTarget)?.root.path == "/tmp/dropgen-edge-x")
            #expect(throws: PublishError.self) { _ = try config.target(named: "s3").makeTarget(environment: [:]) }
            let s3 = try config.target(named: "s3").makeTarget(environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
            #expect((s3 as? S3Target)?.prefix == "p")
        }
    }
}
