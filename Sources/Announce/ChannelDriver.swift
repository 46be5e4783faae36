import Foundation

/// What each kind of channel does: its requests for an event and for the pinned catalog, and
/// how to read its answers. The secrets are resolved before a driver is made (nil in a dry run
/// without them: the request shows where they would go).
protocol ChannelDriver: Sendable {
    var channel: AnnounceConfig.Channel { get }
    /// Whether a request whose answer was lost may be sent again: only where the receiver can
    /// recognise the event (the webhook's `X-Dropgen-Event`). Discord and Telegram cannot tell
    /// us whether a message went out, so for them a lost answer is not retried (at most once).
    var resendsUnconfirmed: Bool { get }
    func eventRequest(_ event: AnnounceEvent, site: String, templates: MessageTemplates) throws -> OutboundRequest
    func catalogRequest(_ catalog: LiveCatalog, editing messageID: String?, templates: MessageTemplates) throws -> OutboundRequest
    /// The id of the message a 2xx answer made.
    func messageID(from response: InboundResponse) -> String?
    /// Seconds the channel asked to wait in a 429 answer.
    func retryAfter(_ response: InboundResponse) -> TimeInterval?
    /// The answer's own explanation, short and on one line.
    func errorText(_ response: InboundResponse) -> String
    /// An edit whose message no longer exists (deleted by a moderator): post a new one.
    func isMissingMessage(_ response: InboundResponse) -> Bool
    /// An edit that changed nothing (Telegram answers 400 "message is not modified").
    func isUnchanged(_ response: InboundResponse) -> Bool
}

extension ChannelDriver {
    func isUnchanged(_ response: InboundResponse) -> Bool { false }

    /// `Retry-After` as seconds.
    func retryAfterHeader(_ response: InboundResponse) -> TimeInterval? {
        response.header("retry-after").flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
    }

    static func json(_ body: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    static func short(_ text: String) -> String { MessageText.clipped(MessageText.oneLine(text), to: 200) }
}

enum ChannelDrivers {
    /// The driver for `channel`, its secrets read from `environment`; the names of unset variables.
    static func make(_ channel: AnnounceConfig.Channel, environment: [String: String]) -> (any ChannelDriver, missing: [String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        switch channel.kind {
        case let .discord(urlEnv):
            let url = value(urlEnv)
            return (DiscordChannel(channel: channel, webhookURL: url, urlEnv: urlEnv), url == nil ? [urlEnv] : [])
        case let .telegram(tokenEnv, chatID, apiURL):
            let token = value(tokenEnv)
            return (TelegramChannel(channel: channel, token: token, tokenEnv: tokenEnv, chatID: chatID, apiURL: apiURL),
                    token == nil ? [tokenEnv] : [])
        case let .webhook(urlEnv, secretEnv):
            let url = value(urlEnv), secret = value(secretEnv)
            return (WebhookChannel(channel: channel, url: url, urlEnv: urlEnv, secret: secret, secretEnv: secretEnv),
                    (url == nil ? [urlEnv] : []) + (secret == nil ? [secretEnv] : []))
        }
    }
}
