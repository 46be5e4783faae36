import Announce
import Foundation
import Testing

/// Announcements against the local channel receiver, through a real ledger in a folder target.
@Suite struct AnnouncerTests {
    @Test func firstRunIsABaselineThenAnOpeningIsAnnouncedOnce() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        let announcer = try fixture.announcer()

        let baseline = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "scheduled")))
        #expect(baseline.baseline)
        #expect(baseline.summary.contains("recorded a baseline"))
        #expect(fixture.receiver.received.isEmpty)
        #expect(try await fixture.ledger()?.drops["mugs"]?.state == "scheduled")

        let opened = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live")))
        #expect(opened.sent.map { "\($0.channel) \($0.kind)" } == ["market-discord opened", "market-telegram opened"])
        #expect(opened.events == ["market.example/mugs/opened/2026-12-04T17:00:00Z"])
        #expect(opened.catalogs.map(\.action) == [.created])
        // The event, then the pinned catalog (Discord); the event (Telegram, no poster: a message).
        #expect(fixture.routes() == ["discord.create", "discord.create", "telegram.sendMessage"])

        let requestsBefore = fixture.target.counters.requests
        let again = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live")))
        // Nothing changed: the ledger is read, not written again.
        #expect(fixture.target.counters.requests - requestsBefore == 1)
        #expect(again.sent.isEmpty && again.pending.isEmpty)
        #expect(again.catalogs.map(\.action) == [.unchanged])
        #expect(fixture.receiver.received.count == 3)
        #expect(fixture.receiver.violations == [])
    }

    @Test func lastUnitsThenSoldOutEachOnceAndThePinIsEdited() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        let announcer = try fixture.announcer(fixture.channels(telegramPinned: true))
        _ = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live", remaining: 10)))

        let low = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live", remaining: 2)))
        #expect(low.sent.map { "\($0.channel) \($0.kind)" } == ["market-discord last_units", "market-telegram last_units"])
        #expect(low.events == ["market.example/mugs/last_units/left-2"])
        #expect(low.catalogs.map(\.action) == [.created, .created])
        let discordPin = try #require(low.catalogs.first?.messageID)
        let telegramPin = try #require(low.catalogs.last?.messageID)

        // One more sale: still "last units", nothing new to say but the catalog's count.
        let lower = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live", remaining: 1)))
        #expect(lower.sent.isEmpty)
        #expect(lower.catalogs.map(\.action) == [.edited, .edited])
        #expect(lower.catalogs.map(\.messageID) == [discordPin, telegramPin])

        let gone = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "sold_out", remaining: 0)))
        #expect(gone.sent.map { "\($0.channel) \($0.kind)" }
            == ["market-discord sold_out", "market-telegram sold_out", "relay sold_out"])
        let goneAgain = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "sold_out", remaining: 0)))
        #expect(goneAgain.sent.isEmpty)

        let routes = fixture.routes()
        #expect(routes.filter { $0 == "relay" }.count == 1)
        #expect(routes.filter { $0 == "discord.edit" }.count == 2)
        #expect(routes.filter { $0 == "telegram.editMessageText" }.count == 2)
        // Two event messages and one catalog per channel: the pin was never posted again.
        #expect(routes.filter { $0 == "discord.create" }.count == 3)
        #expect(routes.filter { $0 == "telegram.sendMessage" }.count == 3)
        let pin = try #require(fixture.receiver.messages[discordPin])
        let embeds = try #require(pin.value("embeds") as? [[String: Any]])
        #expect((embeds.first?["description"] as? String)?.contains("sold") == false)
        #expect(fixture.receiver.violations == [])
        #expect(try await fixture.ledger()?.catalogs["market-discord"]?.messageID == discordPin)
    }

    /// The documented choice: Discord and Telegram cannot say whether a message went out, so an
    /// intent without a result is not sent again (at most once) and is reported unconfirmed; the
    /// webhook, which carries the event id for its receiver to deduplicate, is sent again.
    @Test func aCrashBetweenSendAndRecord() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        let channels = [
            AnnounceConfig.Channel(name: "market-discord", kind: .discord(webhookURLEnv: "DISCORD_WEBHOOK_URL"), events: [.soldOut]),
            AnnounceConfig.Channel(name: "relay", kind: .webhook(urlEnv: "RELAY_URL", secretEnv: "RELAY_SECRET"), events: [.soldOut]),
        ]
        _ = try await fixture.announcer(channels).run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live", remaining: 1)))
        let soldOut = Catalogs.catalog(Catalogs.drop("mugs", "sold_out", remaining: 0))

        await #expect(throws: CancellationError.self) {
            try await fixture.announcer(channels, transport: CrashingTransport(crashAfter: "/api/webhooks/")).run(catalog: soldOut)
        }
        #expect(try await fixture.ledger()?.deliveries.map(\.status) == [.sending, .pending])

        await #expect(throws: CancellationError.self) {
            try await fixture.announcer(channels, transport: CrashingTransport(crashAfter: "/relay")).run(catalog: soldOut)
        }
        let after = try await fixture.announcer(channels).run(catalog: soldOut)
        #expect(after.sent.map(\.channel) == ["relay"])
        #expect(after.unconfirmed.isEmpty)
        #expect(fixture.routes() == ["discord.create", "relay", "relay"])
        let ids = fixture.receiver.received.filter { $0.route == "relay" }.map { $0.headers["x-dropgen-event"] }
        #expect(ids == ["market.example/mugs/sold_out/left-0", "market.example/mugs/sold_out/left-0"])
        #expect(try await fixture.ledger()?.deliveries.map(\.status) == [.unconfirmed, .sent])
        #expect(fixture.receiver.violations == [])
    }

    @Test func unconfirmedIsReportedByTheRunThatFindsIt() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        let channels = [AnnounceConfig.Channel(name: "market-discord", kind: .discord(webhookURLEnv: "DISCORD_WEBHOOK_URL"))]
        _ = try await fixture.announcer(channels).run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "scheduled")))
        let live = Catalogs.catalog(Catalogs.drop("mugs", "live"))
        await #expect(throws: CancellationError.self) {
            try await fixture.announcer(channels, transport: CrashingTransport(crashAfter: "/api/webhooks/")).run(catalog: live)
        }
        let next = try await fixture.announcer(channels).run(catalog: live)
        #expect(next.unconfirmed.map(\.kind) == ["opened"])
        #expect(next.summary.contains("unconfirmed: opened of mugs to market-discord may have been posted"))
        #expect(fixture.receiver.received.count == 1)
    }

    @Test func rateLimitsAndFailuresAreRetriedWithinBoundsAndNeverBlock() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        let announcer = try fixture.announcer(Array(fixture.channels(discordEvents: [.opened]).prefix(2)).map {
            var channel = $0
            channel.pinnedCatalog = false
            return channel
        })
        _ = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "scheduled")))
        // Discord: a 429 for 0.25 s, then a 500; Telegram: a 429 for 2 s (parameters.retry_after).
        fixture.receiver.force("discord", .discord429(retryAfter: 0.25), .status(500))
        fixture.receiver.force("telegram", .status(502))
        let first = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live")))
        #expect(first.sent.map(\.channel) == ["market-discord", "market-telegram"])
        #expect(fixture.sleeps.all.first == 0.25)
        #expect(fixture.sleeps.all.count == 3)
        #expect(fixture.routes() == ["discord.create", "discord.create", "discord.create", "telegram.sendMessage", "telegram.sendMessage"])

        // A drop opens while Telegram asks for two minutes: more than a run waits. It stays pending.
        fixture.receiver.force("telegram", .telegram429(retryAfter: 120))
        let second = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live"), Catalogs.drop("hats", "live")))
        #expect(second.sent.map { "\($0.channel) \($0.drop)" } == ["market-discord hats"])
        #expect(second.pending.map { "\($0.channel) \($0.drop) \($0.error ?? "")" }
            == ["market-telegram hats rate limited for 120 s"])
        #expect(second.summary.contains("pending: opened of hats to market-telegram (rate limited for 120 s); sent next run"))

        fixture.receiver.force("telegram", .telegram429(retryAfter: 2))
        let third = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live"), Catalogs.drop("hats", "live")))
        #expect(third.sent.map { "\($0.channel) \($0.drop)" } == ["market-telegram hats"])
        #expect(fixture.sleeps.all.last == 2)
        #expect(third.pending.isEmpty)
        #expect(fixture.receiver.violations == [])
    }

    @Test func anUnsetSecretSkipsTheChannelAndKeepsItsMessages() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        var announcer = try fixture.announcer()
        announcer.environment["TELEGRAM_BOT_TOKEN"] = nil
        _ = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "scheduled")))
        let report = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live")))
        #expect(report.skipped == ["market-telegram": "$TELEGRAM_BOT_TOKEN is not set"])
        #expect(report.pending.map(\.channel) == ["market-telegram"])
        let json = String(decoding: try report.json(), as: UTF8.self)
        #expect(!json.contains("secret-token") && !json.contains(ChannelReceiver.botToken))

        // Sold out before Telegram could hear of the opening: that news is dropped, the sell-out kept.
        let later = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "sold_out", remaining: 0)))
        #expect(later.superseded.map { "\($0.channel) \($0.kind)" } == ["market-telegram opened"])
        #expect(later.summary.contains("dropped: opened of mugs to market-telegram (the drop is sold_out now); no longer true"))
        #expect(later.pending.map { "\($0.channel) \($0.kind)" } == ["market-telegram sold_out"])
    }

    @Test func dryRunPrintsEveryRequestAndSendsNothing() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        let announcer = try fixture.announcer()
        _ = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "scheduled")))
        let before = try await fixture.ledger()
        let report = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "live")), dryRun: true)
        #expect(fixture.receiver.received.isEmpty)
        #expect(try await fixture.ledger() == before)
        let text = report.dryRunText
        #expect(text.contains("market-discord · market.example/mugs/opened/2026-12-04T17:00:00Z: POST $DISCORD_WEBHOOK_URL?wait=true"))
        #expect(text.contains("market-telegram · market.example/mugs/opened/2026-12-04T17:00:00Z: POST \(fixture.receiver.telegramAPI)/bot$TELEGRAM_BOT_TOKEN/sendMessage"))
        #expect(text.contains("\"chat_id\" : \"@eastside_market\""))
        #expect(!text.contains("secret-token") && !text.contains(ChannelReceiver.botToken))
    }

    @Test func hostileTitlesAreEscapedAndLongOnesCutToTheLimits() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        let announcer = try fixture.announcer()
        let hostile = "<b>Mugs</b> & \"tea\" @everyone **bold** [x](https://evil.example) <t:0:R> " + String(repeating: "ü", count: 3000)
        let poster = "https://market.example/media/hero-og.5b07a28289e9919c.jpg"
        _ = try await announcer.run(catalog: Catalogs.catalog(Catalogs.drop("mugs", "scheduled")))
        let report = try await announcer.run(catalog: Catalogs.catalog(
            Catalogs.drop("mugs", "early_access", title: hostile, poster: poster, badges: ["Repeat <buyer>"])))
        #expect(report.sent.count == 2)
        #expect(fixture.receiver.violations == [])

        let telegram = try #require(fixture.receiver.received.first { $0.route == "telegram.sendPhoto" })
        let caption = try #require(telegram.string("caption"))
        #expect(caption.hasPrefix("<b>Early access for Repeat &lt;buyer&gt; holders</b>\n<a href=\"https://market.example/drops/mugs/\">"))
        #expect(caption.contains("&lt;b&gt;Mugs&lt;/b&gt; &amp; &quot;tea&quot;"))
        #expect(caption.contains("Early access for Repeat &lt;buyer&gt; holders"))
        #expect(telegram.string("photo") == poster)

        let discord = try #require(fixture.receiver.received.first { $0.route == "discord.create" })
        let embed = try #require((discord.value("embeds") as? [[String: Any]])?.first)
        let description = try #require(embed["description"] as? String)
        #expect(description.hasPrefix("**Early access for Repeat \\<buyer\\> holders** · by Clay & Kiln\n"))
        #expect(description.contains("Early access for Repeat \\<buyer\\> holders"))
        #expect((embed["title"] as? String)?.utf16.count == 256)
        #expect((embed["image"] as? [String: Any])?["url"] as? String == poster)
        let fields = try #require(embed["fields"] as? [[String: Any]])
        #expect(fields.map { $0["name"] as? String } == ["Price", "Left", "Opens", "Closes"])
        #expect(fields[2]["value"] as? String == "<t:1796403600:R>")

        // The catalog's line for the drop: its title escaped for Discord markdown, cut at 120.
        let pin = try #require(fixture.receiver.received.last { $0.route == "discord.create" })
        let pinText = try #require(((pin.value("embeds") as? [[String: Any]])?.first?["description"]) as? String)
        #expect(pinText.hasPrefix("🟢 [\\<b\\>Mugs"))
        #expect(pinText.contains("\\<b\\>Mugs\\</b\\> & \"tea\" @\u{200B}everyone \\*\\*bold\\*\\* \\[x\\]\\(https\\://evil\\.example\\)"))
    }
}
