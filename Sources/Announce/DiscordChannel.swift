import Foundation

/// A Discord incoming webhook: a message with one embed per event, created with `?wait=true`
/// (so Discord answers the message and its id), the pinned catalog edited in place with
/// `PATCH <webhook>/messages/<id>`. Mentions are switched off (`allowed_mentions.parse: []`).
struct DiscordChannel: ChannelDriver {
    /// Discord's documented limits (characters as UTF-16 code units).
    enum Limits {
        static let title = 256
        static let description = 4096
        static let fields = 25
        static let fieldName = 256
        static let fieldValue = 1024
        static let footer = 2048
        static let total = 6000
        static let embeds = 10
    }

    struct Payload: Encodable, Equatable {
        struct Embed: Encodable, Equatable {
            struct Field: Encodable, Equatable {
                var name: String
                var value: String
                var inline: Bool
            }
            struct Image: Encodable, Equatable { var url: String }
            struct Footer: Encodable, Equatable { var text: String }

            var title: String
            var url: String?
            var description: String?
            var color: Int
            var fields: [Field]?
            var image: Image?
            var footer: Footer?
        }
        struct Mentions: Encodable, Equatable { var parse: [String] = [] }

        var embeds: [Embed]
        var allowedMentions = Mentions()

        enum CodingKeys: String, CodingKey {
            case embeds
            case allowedMentions = "allowed_mentions"
        }
    }

    let channel: AnnounceConfig.Channel
    let webhookURL: String?
    let urlEnv: String
    var resendsUnconfirmed: Bool { false }

    /// A colour per event: what the drop's state is now.
    static func color(_ kind: AnnounceEvent.Kind) -> Int {
        switch kind {
        case .scheduled: 0x5865F2
        case .earlyAccess: 0x9B59B6
        case .opened: 0x2ECC71
        case .lastUnits: 0xE67E22
        case .soldOut: 0xE74C3C
        case .closed: 0x95A5A6
        }
    }

    func eventRequest(_ event: AnnounceEvent, site: String, templates: MessageTemplates) throws -> OutboundRequest {
        let drop = event.drop
        let description = try templates.render(channel.template, MessageContext.event(event, site: site, dialect: .discord))
        var fields: [Payload.Embed.Field] = []
        func field(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            fields.append(.init(name: name, value: MessageText.clipped(value, to: Limits.fieldValue), inline: true))
        }
        field("Price", MessageText.price(drop.price, currency: drop.currency).map(MessageText.discordEscaped))
        field("Left", drop.remaining.map { left in drop.edition.map { "\(left) of \($0)" } ?? "\(left)" })
        if drop.state == "scheduled" || event.kind == .earlyAccess { field("Opens", MessageText.unix(drop.opens).map { "<t:\($0):R>" }) }
        if drop.state == "scheduled", let access = drop.earlyAccess {
            field("Early access", MessageText.unix(access.opens).map { "<t:\($0):R>" })
        }
        if drop.selling { field("Closes", MessageText.unix(drop.closes).map { "<t:\($0):R>" }) }
        let embed = Payload.Embed(
            title: MessageText.clipped(MessageText.oneLine(drop.title), to: Limits.title), url: drop.permalink,
            description: description, color: Self.color(event.kind), fields: fields,
            image: drop.jpegPoster.map { .init(url: $0) },
            footer: .init(text: MessageText.clipped(MessageText.oneLine(site + " · " + MessageContext.headline(event)), to: Limits.footer)))
        return request(create: Self.fitted(embed))
    }

    func catalogRequest(_ catalog: LiveCatalog, editing messageID: String?, templates: MessageTemplates) throws -> OutboundRequest {
        let drops = MessageContext.catalogDrops(catalog)
        let name = channel.template + "-catalog"
        // As many drops as fit the description, the rest counted ("and 12 more").
        var count = drops.count
        var description = try templates.render(name, MessageContext.catalog(catalog, drops: drops, count: count, dialect: .discord))
        while MessageText.length(description) > Limits.description && count > 0 {
            count = count > 40 ? count * 3 / 4 : count - 1
            description = try templates.render(name, MessageContext.catalog(catalog, drops: drops, count: count, dialect: .discord))
        }
        let base = catalog.baseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let embed = Payload.Embed(title: MessageText.clipped(MessageText.oneLine("What's on at \(catalog.site)"), to: Limits.title),
                                  url: base + "/drops/", description: description, color: 0x2ECC71, fields: nil, image: nil,
                                  footer: .init(text: "Kept up to date by dropgen"))
        let payload = Payload(embeds: [Self.fitted(embed)])
        if let messageID { return request(edit: messageID, payload) }
        return request(create: payload.embeds[0])
    }

    /// Every limit held: each text cut cleanly, then the description shortened until the
    /// embed's characters in all fit 6000.
    static func fitted(_ embed: Payload.Embed) -> Payload.Embed {
        var embed = embed
        embed.title = MessageText.clipped(embed.title, to: Limits.title)
        embed.description = embed.description.map { MessageText.clipped($0, to: Limits.description) }
        if embed.description?.isEmpty == true { embed.description = nil }
        if var fields = embed.fields {
            fields = Array(fields.prefix(Limits.fields)).map {
                .init(name: MessageText.clipped($0.name, to: Limits.fieldName), value: MessageText.clipped($0.value, to: Limits.fieldValue),
                      inline: $0.inline)
            }
            embed.fields = fields.isEmpty ? nil : fields
        }
        embed.footer = embed.footer.map { .init(text: MessageText.clipped($0.text, to: Limits.footer)) }
        let over = total(embed) - Limits.total
        if over > 0, let description = embed.description {
            embed.description = MessageText.clipped(description, to: max(0, MessageText.length(description) - over))
        }
        return embed
    }

    static func total(_ embed: Payload.Embed) -> Int {
        MessageText.length(embed.title) + MessageText.length(embed.description ?? "") + MessageText.length(embed.footer?.text ?? "")
            + (embed.fields ?? []).reduce(0) { $0 + MessageText.length($1.name) + MessageText.length($1.value) }
    }

    private func request(create embed: Payload.Embed) -> OutboundRequest {
        let (base, query) = split(webhookURL ?? "")
        return OutboundRequest(method: "POST", url: base + "?" + (query.map { $0 + "&" } ?? "") + "wait=true",
                               display: "POST $\(urlEnv)?wait=true", headers: ["content-type": "application/json"],
                               body: JSONBody.encode(Payload(embeds: [embed])))
    }

    private func request(edit messageID: String, _ payload: Payload) -> OutboundRequest {
        let (base, query) = split(webhookURL ?? "")
        return OutboundRequest(method: "PATCH", url: base + "/messages/" + messageID + (query.map { "?" + $0 } ?? ""),
                               display: "PATCH $\(urlEnv)/messages/\(messageID)", headers: ["content-type": "application/json"],
                               body: JSONBody.encode(payload))
    }

    /// The webhook URL without its query (`?thread_id=…` is kept for every request).
    private func split(_ url: String) -> (String, String?) {
        guard let mark = url.firstIndex(of: "?") else { return (url, nil) }
        let query = String(url[url.index(after: mark)...])
        return (String(url[..<mark]), query.isEmpty ? nil : query)
    }

    func messageID(from response: InboundResponse) -> String? {
        guard let id = Self.json(response.body)?["id"] as? String, !id.isEmpty, id.utf8.count <= 32,
              id.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return id
    }

    /// Discord's JSON `retry_after` (seconds, with a fraction), else the `Retry-After` header.
    func retryAfter(_ response: InboundResponse) -> TimeInterval? {
        if let seconds = Self.json(response.body)?["retry_after"] as? NSNumber { return seconds.doubleValue }
        return retryAfterHeader(response)
    }

    func errorText(_ response: InboundResponse) -> String {
        let message = (Self.json(response.body)?["message"] as? String).map { ": " + Self.short($0) } ?? ""
        return "HTTP \(response.status)\(message)"
    }

    func isMissingMessage(_ response: InboundResponse) -> Bool { response.status == 404 }
}
