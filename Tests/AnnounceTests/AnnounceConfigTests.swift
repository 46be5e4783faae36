import Announce
import Foundation
import SiteSource
import Testing

@Suite struct AnnounceConfigTests {
    static func read(_ yaml: String) -> (AnnounceConfig?, [String]) {
        var log = DiagnosticLog()
        let config = AnnounceConfig.read(yaml: yaml, fileName: "dropgen.yaml", log: &log)
        return (config, log.all.map(\.description))
    }

    @Test func theIssuesShapeReads() throws {
        let (config, errors) = Self.read("""
            title: M
            announce:
              events: [early_access, opened, last_units, sold_out]
              last_units: 3
              channels:
                market-discord:  { kind: discord, webhook_url_env: DISCORD_WEBHOOK_URL, pinned_catalog: true }
                market-telegram: { kind: telegram, token_env: TELEGRAM_BOT_TOKEN, chat_id: "@eastside_market",
                                   api_url: "https://api.telegram.org" }
                relay:           { kind: webhook, url_env: RELAY_URL, secret_env: RELAY_SECRET, events: [sold_out] }
            """)
        #expect(errors == [])
        let channels = try #require(config?.channels)
        #expect(channels.map(\.name) == ["market-discord", "market-telegram", "relay"])
        #expect(channels[0].kind == .discord(webhookURLEnv: "DISCORD_WEBHOOK_URL") && channels[0].pinnedCatalog)
        #expect(channels[1].kind == .telegram(tokenEnv: "TELEGRAM_BOT_TOKEN", chatID: "@eastside_market", apiURL: "https://api.telegram.org"))
        #expect(channels[1].events == [.earlyAccess, .opened, .lastUnits, .soldOut])
        #expect(channels[2].events == [.soldOut])
        #expect(Self.read("title: M\n").0 == nil)
    }

    @Test(arguments: [
        ("channels:\n    relay: { kind: webhook, url_env: RELAY_URL, secret_env: RELAY_SECRET, events: [soldout] }",
         "dropgen.yaml:4:84: announce.channels.relay.events[0]: unknown event \"soldout\" (scheduled, early_access, opened, last_units, sold_out, closed); did you mean `sold_out`?"),
        ("channels:\n    d: { kind: discord, webhook_url_env: \"https://discord.com/api/webhooks/1/x\" }",
         "dropgen.yaml:4:42: announce.channels.d.webhook_url_env: expected the name of an environment variable (A-Z, 0-9, _), got \"https://discord.com/api/webhooks/1/x\"; secrets never go in the file"),
        ("channels:\n    t: { kind: telegram, token_env: T, chat_id: \"eastside\" }",
         "dropgen.yaml:4:49: announce.channels.t.chat_id: expected @channelname (5-32 letters, digits, _) or a numeric chat id, got \"eastside\""),
        ("channels:\n    x: { kind: slack, url_env: U }",
         "dropgen.yaml:4:16: announce.channels.x.kind: unknown channel kind \"slack\"; use discord, telegram or webhook"),
        ("channels:\n    r: { kind: webhook, url_env: U, secret_env: S, pinned_catalog: true }",
         "dropgen.yaml:4:68: announce.channels.r.pinned_catalog: a webhook channel has no message to edit; only discord and telegram keep a pinned catalog"),
        ("last_unit: 2\n  channels: {}",
         "dropgen.yaml:3:3: announce.last_unit: unknown key; did you mean `last_units`?"),
    ])
    func mistakesAreNamedWhereTheyAre(_ section: String, _ expected: String) {
        let (config, errors) = Self.read("title: M\nannounce:\n  " + section + "\n")
        #expect(config == nil)
        #expect(errors == [expected])
    }
}
