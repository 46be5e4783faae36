import Foundation

/// The Telegram Bot API: `sendPhoto` with an HTML caption when the drop has a JPEG poster, else
/// `sendMessage`; a button linking to the drop; the pinned catalog sent once with `sendMessage`
/// (text only, so it can hold 4096 characters rather than a caption's 1024) and then edited in
/// place with `editMessageText`.
struct TelegramChannel: ChannelDriver {
    /// "0-1024 characters after entities parsing" (captions), 1-4096 for messages.
    enum Limits {
        static let caption = 1024
        static let text = 4096
        static let buttonText = 64
    }

    struct Button: Encodable, Equatable {
        var text: String
        var url: String
    }

    struct Markup: Encodable, Equatable {
        var inlineKeyboard: [[Button]]
        enum CodingKeys: String, CodingKey { case inlineKeyboard = "inline_keyboard" }
    }

    struct Body: Encodable, Equatable {
        var chatID: String
        var messageID: Int?
        var photo: String?
        var caption: String?
        var text: String?
        var parseMode = "HTML"
        var replyMarkup: Markup?

        enum CodingKeys: String, CodingKey {
            case photo, caption, text
            case chatID = "chat_id"
            case messageID = "message_id"
            case parseMode = "parse_mode"
            case replyMarkup = "reply_markup"
        }
    }

    let channel: AnnounceConfig.Channel
    let token: String?
    let tokenEnv: String
    let chatID: String
    let apiURL: String
    var resendsUnconfirmed: Bool { false }

    func eventRequest(_ event: AnnounceEvent, site: String, templates: MessageTemplates) throws -> OutboundRequest {
        let photo = event.drop.jpegPoster
        let limit = photo == nil ? Limits.text : Limits.caption
        // A long title is cut until the whole message fits; the template's own text must fit by itself.
        var html = ""
        for titleLimit in [256, 80, 30] {
            html = try templates.render(channel.template, MessageContext.event(event, site: site, dialect: .telegram, titleLimit: titleLimit))
            if fits(html, limit) { break }
        }
        if !fits(html, limit) || html.isEmpty { html = Self.fallback(event, limit: limit) }
        let markup = Markup(inlineKeyboard: [[Button(text: "View drop", url: event.drop.permalink)]])
        if let photo {
            return request("sendPhoto", Body(chatID: chatID, photo: photo, caption: html, replyMarkup: markup))
        }
        return request("sendMessage", Body(chatID: chatID, text: html, replyMarkup: markup))
    }

    func catalogRequest(_ catalog: LiveCatalog, editing messageID: String?, templates: MessageTemplates) throws -> OutboundRequest {
        let drops = MessageContext.catalogDrops(catalog)
        let name = channel.template + "-catalog"
        var count = drops.count
        var html = try templates.render(name, MessageContext.catalog(catalog, drops: drops, count: count, dialect: .telegram))
        while !fits(html, Limits.text) && count > 0 {
            count = count > 40 ? count * 3 / 4 : count - 1
            html = try templates.render(name, MessageContext.catalog(catalog, drops: drops, count: count, dialect: .telegram))
        }
        if !fits(html, Limits.text) || html.isEmpty {
            html = Self.escaped(MessageText.clipped("What's on at \(catalog.site)", to: 200))
        }
        let all = catalog.baseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/drops/"
        let markup = Markup(inlineKeyboard: [[Button(text: "All drops", url: all)]])
        if let messageID, let number = Int(messageID) {
            return request("editMessageText", Body(chatID: chatID, messageID: number, text: html, replyMarkup: markup))
        }
        return request("sendMessage", Body(chatID: chatID, text: html, replyMarkup: markup))
    }

    private func fits(_ html: String, _ limit: Int) -> Bool {
        MessageText.length(MessageText.telegramVisible(html)) <= limit
    }

    /// A headline and a link, cut to fit: what goes out when a template makes too long a message.
    static func fallback(_ event: AnnounceEvent, limit: Int) -> String {
        let text = MessageText.clipped(MessageText.oneLine(MessageContext.headline(event) + ": " + event.drop.title), to: min(limit, 900))
        return "<b>\(escaped(text))</b>"
    }

    /// HTML text escaping as Telegram documents it (`<`, `>`, `&`, and `"` in attributes).
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    private func request(_ method: String, _ body: Body) -> OutboundRequest {
        OutboundRequest(method: "POST", url: "\(apiURL)/bot\(token ?? "")/\(method)",
                        display: "POST \(apiURL)/bot$\(tokenEnv)/\(method)", headers: ["content-type": "application/json"],
                        body: JSONBody.encode(body))
    }

    func messageID(from response: InboundResponse) -> String? {
        guard let json = Self.json(response.body), json["ok"] as? Bool == true,
              let result = json["result"] as? [String: Any], let id = result["message_id"] as? NSNumber else { return nil }
        return String(id.int64Value)
    }

    /// `parameters.retry_after` (whole seconds), else the `Retry-After` header.
    func retryAfter(_ response: InboundResponse) -> TimeInterval? {
        if let parameters = Self.json(response.body)?["parameters"] as? [String: Any], let seconds = parameters["retry_after"] as? NSNumber {
            return seconds.doubleValue
        }
        return retryAfterHeader(response)
    }

    func errorText(_ response: InboundResponse) -> String {
        let description = (Self.json(response.body)?["description"] as? String).map { ": " + Self.short($0) } ?? ""
        return "HTTP \(response.status)\(description)"
    }

    private func description(_ response: InboundResponse) -> String {
        ((Self.json(response.body)?["description"] as? String) ?? "").lowercased()
    }

    func isMissingMessage(_ response: InboundResponse) -> Bool {
        response.status == 400 && (description(response).contains("message to edit not found")
            || description(response).contains("message can't be edited"))
    }

    func isUnchanged(_ response: InboundResponse) -> Bool {
        response.status == 400 && description(response).contains("message is not modified")
    }
}
