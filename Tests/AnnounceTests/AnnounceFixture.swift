import Announce
import Foundation
import Publisher
import SiteBuilder

/// A publish target in a scratch folder, the channel receiver, and an announcer aimed at both.
/// Sleeps are recorded, not slept: a test of a 2 s `retry_after` takes no time.
final class AnnounceFixture: @unchecked Sendable {
    let folder: URL
    let target: LocalFolderTarget
    let receiver: ChannelReceiver
    let sleeps = Recorded<TimeInterval>()

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-announce-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("site"), withIntermediateDirectories: true)
        target = LocalFolderTarget(root: folder.appendingPathComponent("edge"))
        receiver = try await ChannelReceiver.start()
    }

    func finish() async {
        await receiver.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    var environment: [String: String] {
        ["DISCORD_WEBHOOK_URL": receiver.discordURL, "TELEGRAM_BOT_TOKEN": ChannelReceiver.botToken,
         "RELAY_URL": receiver.relayURL, "RELAY_SECRET": ChannelReceiver.webhookSecret]
    }

    /// The three channels: Discord with a pinned catalog, Telegram, a relay for sell-outs.
    func channels(discordEvents: [AnnounceEvent.Kind] = AnnounceConfig.defaultEvents, telegramPinned: Bool = false)
        -> [AnnounceConfig.Channel] {
        [
            .init(name: "market-discord", kind: .discord(webhookURLEnv: "DISCORD_WEBHOOK_URL"), events: discordEvents, pinnedCatalog: true),
            .init(name: "market-telegram", kind: .telegram(tokenEnv: "TELEGRAM_BOT_TOKEN", chatID: "@eastside_market",
                                                            apiURL: receiver.telegramAPI), pinnedCatalog: telegramPinned),
            .init(name: "relay", kind: .webhook(urlEnv: "RELAY_URL", secretEnv: "RELAY_SECRET"), events: [.soldOut]),
        ]
    }

    func announcer(_ channels: [AnnounceConfig.Channel]? = nil, transport: (any AnnounceTransport)? = nil) throws -> Announcer {
        let templates = try MessageTemplates(AnnouncementTemplates.sources(siteRoot: folder.appendingPathComponent("site")))
        let sleeps = self.sleeps
        return Announcer(config: AnnounceConfig(channels: channels ?? self.channels()), templates: templates, target: target,
                         transport: transport ?? HTTPTransport(timeout: .seconds(10)), environment: environment,
                         clock: { Date(timeIntervalSince1970: 1_796_400_000) }, sleep: { sleeps.append($0) })
    }

    func ledger() async throws -> AnnouncementLedger? { try await AnnouncementStore(target: target).read() }

    func routes() -> [String] { receiver.received.map(\.route) }
}

/// The catalog a build would write, made by hand: the drops' states and stock are the test's.
enum Catalogs {
    static func drop(_ slug: String, _ state: String, remaining: Int? = 24, title: String? = nil, poster: String? = nil,
                     badges: [String]? = nil) -> LiveCatalog.Drop {
        LiveCatalog.Drop(slug: slug, title: title ?? "Speckled mugs (\(slug))", creator: "Clay & Kiln",
                         permalink: "https://market.example/drops/\(slug)/", state: state, price: "34.00", currency: "EUR",
                         remaining: remaining, edition: 24, opens: "2026-12-04T17:00:00Z", closes: "2026-12-06T17:00:00Z",
                         poster: poster, earlyAccess: badges.map { .init(opens: "2026-12-04T09:00:00Z", badges: $0) })
    }

    static func catalog(_ drops: LiveCatalog.Drop...) -> LiveCatalog {
        LiveCatalog(site: "Eastside Market", baseURL: "https://market.example", generatedAt: "2026-12-04T18:00:00Z", drops: drops)
    }
}

final class Recorded<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []
    func append(_ value: Value) { lock.withLock { values.append(value) } }
    var all: [Value] { lock.withLock { values } }
}

/// Sends through HTTP, then stops the run as a crash would (a cancellation) right after the
/// request of the given route went out, before the announcer could record the answer.
struct CrashingTransport: AnnounceTransport {
    let inner = HTTPTransport(timeout: .seconds(10))
    let crashAfter: String
    let crashed = Recorded<Bool>()

    func execute(_ request: OutboundRequest) async throws -> InboundResponse {
        let response = try await inner.execute(request)
        if request.url.contains(crashAfter) && crashed.all.isEmpty {
            crashed.append(true)
            throw CancellationError()
        }
        return response
    }
}
