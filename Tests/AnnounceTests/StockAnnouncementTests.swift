import Announce
import Foundation
import LiveStock
import Publisher
import StockLedger
import Testing

/// The hook in the stock update: a real site built and published to a folder, then stock
/// changes as `dropgen stock` and `dropgen live` apply them, each announced after its publish.
@Suite struct StockAnnouncementTests {
    @Test func stockChangesAreAnnouncedAfterTheirPublish() async throws {
        let fixture = try await AnnounceFixture()
        defer { Task { await fixture.finish() } }
        let site = fixture.folder.appendingPathComponent("site")
        let files = [
            "dropgen.yaml": "title: T\nbase_url: https://t.example\ntimezone: Europe/Berlin\n"
                + "announce:\n  events: [opened, last_units, sold_out]\n  channels:\n"
                + "    market-discord: { kind: discord, webhook_url_env: DISCORD_WEBHOOK_URL }\n",
            "content/creators/mara.md": "---\nname: Mara\n---\n",
            "content/drops/mugs.md": "---\ntitle: Mugs\ncreator: mara\nprice: 10\nedition: 24\nremaining: 24\n"
                + "opens: 2026-12-04T18:00:00+01:00\n---\nMugs.\n",
        ]
        for (path, text) in files {
            let url = site.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let now = Date(timeIntervalSince1970: 1_796_405_400)   // 2026-12-04T18:30:00+01:00: the mugs are on sale
        let publisher = Publisher(target: fixture.target, config: PublishConfig(siteRoot: site), clock: { now })
        let updater = StockUpdater(.init(siteRoot: site, now: { now }, environment: fixture.environment), publisher: publisher)

        _ = try await updater.refresh()
        #expect(await updater.lastAnnouncements?.baseline == true)

        _ = try await updater.apply([StockEvent(id: "set-1", drop: "mugs", change: .remaining(2), at: now, source: "test")])
        #expect(await updater.lastAnnouncements?.sent.map(\.kind) == ["last_units"])
        _ = try await updater.apply([StockEvent(id: "sale-1", drop: "mugs", change: .sold(2), at: now, source: "test")])
        #expect(await updater.lastAnnouncements?.sent.map(\.kind) == ["sold_out"])
        _ = try await updater.refresh()
        #expect(await updater.lastAnnouncements?.sent == [])

        let titles = fixture.receiver.received.compactMap { ($0.value("embeds") as? [[String: Any]])?.first?["footer"] as? [String: Any] }
            .compactMap { $0["text"] as? String }
        #expect(titles == ["T · Only 2 left", "T · Sold out"])
        #expect(fixture.receiver.violations == [])
    }
}
