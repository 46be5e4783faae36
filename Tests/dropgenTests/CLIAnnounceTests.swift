import Foundation
import Testing

/// `publish` and `announce` with an `announce:` section, as CI runs them: the baseline, an
/// opening whose channel cannot be reached (the publish still succeeds, the message stays
/// pending), and `announce --dry-run`'s requests without the secret.
@Suite struct CLIAnnounceTests {
    static let webhook = "http://127.0.0.1:9/api/webhooks/1/not-a-real-token"

    @Test func publishRecordsABaselineThenKeepsWhatItCouldNotSend() throws {
        var files = CLITests.files
        files["dropgen.yaml"] = "title: T\nbase_url: https://t.example\ntimezone: Europe/Berlin\n"
            + "publish:\n  default: local\n  targets:\n    local: { url: \"file://.edge\" }\n"
            + "announce:\n  channels:\n    market-discord: { kind: discord, webhook_url_env: DISCORD_WEBHOOK_URL }\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let env = ["DISCORD_WEBHOOK_URL": Self.webhook]
        let site = ["--site", root.path]

        _ = try CLITests.runWithEnvironment(["build"] + site + ["--now", "2026-12-04T12:00:00+01:00"], env)
        let first = try CLITests.runWithEnvironment(["publish"] + site, env)
        #expect(first.contains("announcements: first run at \(root.path)/.edge: recorded a baseline of what is live; nothing announced"))

        _ = try CLITests.runWithEnvironment(["build"] + site + ["--now", "2026-12-04T18:30:00+01:00"], env)
        let second = try CLITests.runWithEnvironment(["publish", "--json"] + site, env)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(second.utf8)) as? [String: Any])
        #expect(report["deploy_id"] is String)
        let announcements = try #require(report["announcements"] as? [String: Any])
        let pending = try #require(announcements["pending"] as? [[String: Any]])
        #expect(pending.map { $0["event"] as? String } == ["t.example/mugs/opened/2026-12-04T17:00:00Z"])
        #expect(pending.first?["error"] as? String == "cannot connect to the channel")
        #expect(!second.contains("not-a-real-token"))

        let dry = try CLITests.runWithEnvironment(["announce", "--dry-run"] + site, env)
        #expect(dry.hasPrefix("market-discord · t.example/mugs/opened/2026-12-04T17:00:00Z: POST $DISCORD_WEBHOOK_URL?wait=true\n{\n"))
        #expect(dry.contains("\"url\" : \"https://t.example/drops/mugs/\""))
        #expect(!dry.contains("not-a-real-token"))
    }

    @Test func checkAndPublishNameMistakesInTheSection() throws {
        var files = CLITests.files
        files["dropgen.yaml"] = "title: T\nbase_url: https://t.example\n"
            + "announce:\n  channels:\n    relay: { kind: webhook, url_env: RELAY_URL, secret_env: RELAY_SECRET, events: [soldout] }\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let expected = "dropgen.yaml:5:84: announce.channels.relay.events[0]: unknown event \"soldout\" (scheduled, early_access, "
            + "opened, last_units, sold_out, closed); did you mean `sold_out`?"
        let check = try CLITests.run(["check", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(check.status == 1)
        #expect(check.stderr.contains(expected))
        _ = try CLITests.run(["build", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        let publish = try CLITests.run(["publish", "--site", root.path])
        #expect(publish.status == 1)
        #expect(publish.stderr.contains(expected))
        // Refused before the target was opened: nothing was uploaded.
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(".edge").path))
    }
}
