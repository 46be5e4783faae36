import Crypto
import Foundation
import Hummingbird
import NIOCore

/// A local stand-in for the parts of Discord's webhooks and Telegram's Bot API that dropgen
/// uses, plus a signed JSON webhook. Every payload is checked against the documented limits and
/// field types (a breach is a `violation`); it can be told to answer 429 or 5xx next; it keeps
/// what it received and each message as it now stands.
final class ChannelReceiver: @unchecked Sendable {
    enum Forced: Sendable {
        case discord429(retryAfter: Double)
        case telegram429(retryAfter: Int)
        case status(Int)
    }

    struct Received: Sendable {
        var method: String
        /// The route, with tokens replaced: `discord.create`, `telegram.sendPhoto`, `relay`.
        var route: String
        var body: [String: any Sendable]
        var headers: [String: String]
    }

    static let webhookSecret = "relay-test-secret"
    static let botToken = "123456:test-token"

    private let lock = NSLock()
    private var _received: [Received] = []
    private var _violations: [String] = []
    private var _forced: [String: [Forced]] = [:]
    private var _messages: [String: [String: any Sendable]] = [:]
    private var nextID = 1000
    private var task: Task<Void, any Error>?
    private(set) var port = 0

    var received: [Received] { lock.withLock { _received } }
    var violations: [String] { lock.withLock { _violations } }
    /// Messages by id, as last created or edited.
    var messages: [String: [String: any Sendable]] { lock.withLock { _messages } }
    /// The next answers of one service ("discord", "telegram" or "relay"), in order.
    func force(_ service: String, _ answers: Forced...) { lock.withLock { _forced[service, default: []] += answers } }

    var discordURL: String { "http://127.0.0.1:\(port)/api/webhooks/42/secret-token" }
    var telegramAPI: String { "http://127.0.0.1:\(port)" }
    var relayURL: String { "http://127.0.0.1:\(port)/relay" }

    static func start() async throws -> ChannelReceiver {
        let receiver = ChannelReceiver()
        let router = Router()
        router.post("/api/webhooks/42/secret-token") { request, _ in
            try await receiver.answer(request, route: "discord.create")
        }
        router.patch("/api/webhooks/42/secret-token/messages/{id}") { request, context in
            try await receiver.answer(request, route: "discord.edit", id: context.parameters.get("id"))
        }
        router.post("/bot\(botToken)/{method}") { request, context in
            try await receiver.answer(request, route: "telegram." + (context.parameters.get("method") ?? ""))
        }
        router.post("/relay") { request, _ in
            try await receiver.answer(request, route: "relay")
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        receiver.task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        receiver.port = await iterator.next() ?? 0
        return receiver
    }

    func stop() async {
        task?.cancel()
        _ = try? await task?.value
    }

    // MARK: - Answers

    private func answer(_ request: Request, route: String, id: String? = nil) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        let data = Data(bytes.readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
        let service = String(route.prefix { $0 != "." })
        let forced: Forced? = lock.withLock { _forced[service]?.isEmpty == false ? _forced[service]!.removeFirst() : nil }
        lock.withLock { _received.append(Received(method: request.method.rawValue, route: route, body: Self.sendable(body), headers: headers)) }
        switch forced {
        case let .discord429(seconds):
            return Self.json(429, ["message": "You are being rate limited.", "retry_after": seconds, "global": false])
        case let .telegram429(seconds):
            return Self.json(429, ["ok": false, "error_code": 429, "description": "Too Many Requests: retry after \(seconds)",
                                   "parameters": ["retry_after": seconds]])
        case let .status(status):
            return Self.json(status, ["message": "failure \(status)"])
        case nil:
            break
        }
        if body.isEmpty && !data.isEmpty || data.isEmpty { violate("\(route): the body is not a JSON object") }
        switch route {
        case "discord.create", "discord.edit":
            if route == "discord.create" && request.uri.query?.contains("wait=true") != true {
                violate("discord.create: without ?wait=true Discord answers no message id")
            }
            checkDiscord(body, route: route)
            if route == "discord.edit" {
                guard let id, lock.withLock({ _messages[id] }) != nil else {
                    return Self.json(404, ["message": "Unknown Message", "code": 10008])
                }
                store(id, body)
                return Self.json(200, ["id": id])
            }
            let id = makeID()
            store(id, body)
            return Self.json(200, ["id": id, "channel_id": "7"])
        case "relay":
            let signature = headers["x-dropgen-signature"] ?? ""
            let expected = "sha256=" + HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: Data(Self.webhookSecret.utf8)))
                .map { String(format: "%02x", $0) }.joined()
            if signature != expected { violate("relay: bad signature") }
            if (headers["x-dropgen-event"] ?? "").isEmpty { violate("relay: no X-Dropgen-Event") }
            return Self.json(200, ["ok": true])
        default:
            return telegram(route, body)
        }
    }

    private func telegram(_ route: String, _ body: [String: Any]) -> Response {
        let method = String(route.dropFirst("telegram.".count))
        if !(body["chat_id"] is String || body["chat_id"] is Int) { violate("\(method): chat_id must be an Integer or String") }
        if body["parse_mode"] as? String != "HTML" { violate("\(method): parse_mode must be HTML") }
        checkMarkup(body["reply_markup"], method)
        switch method {
        case "sendPhoto":
            if !(body["photo"] is String) { violate("sendPhoto: photo must be a String (a URL)") }
            checkHTML(body["caption"], limit: 1024, allowEmpty: true, "sendPhoto.caption")
        case "sendMessage", "editMessageText":
            checkHTML(body["text"], limit: 4096, allowEmpty: false, "\(method).text")
        default:
            violate("\(method): not a method dropgen uses")
            return Self.json(404, ["ok": false, "error_code": 404, "description": "Not Found"])
        }
        if method == "editMessageText" {
            guard let number = body["message_id"] as? Int else {
                violate("editMessageText: message_id must be an Integer")
                return Self.json(400, ["ok": false, "error_code": 400, "description": "Bad Request: message_id required"])
            }
            guard let old = lock.withLock({ _messages[String(number)] }) else {
                return Self.json(400, ["ok": false, "error_code": 400, "description": "Bad Request: message to edit not found"])
            }
            if old["text"] as? String == body["text"] as? String {
                return Self.json(400, ["ok": false, "error_code": 400, "description": "Bad Request: message is not modified"])
            }
            store(String(number), body)
            return Self.json(200, ["ok": true, "result": ["message_id": number, "date": 0]])
        }
        let id = makeID()
        store(id, body)
        return Self.json(200, ["ok": true, "result": ["message_id": Int(id)!, "date": 0, "chat": ["id": -100, "type": "channel"]]])
    }

    // MARK: - Checks

    private func checkDiscord(_ body: [String: Any], route: String) {
        let allowed: Set = ["content", "embeds", "allowed_mentions", "username", "avatar_url"]
        for key in body.keys where !allowed.contains(key) { violate("\(route): unknown key \(key)") }
        if let content = body["content"] { if (content as? String).map({ $0.utf16.count > 2000 }) ?? true { violate("\(route): content") } }
        if let mentions = body["allowed_mentions"] as? [String: Any] {
            if (mentions["parse"] as? [Any])?.isEmpty != true { violate("\(route): mentions not switched off") }
        } else {
            violate("\(route): no allowed_mentions")
        }
        guard let embeds = body["embeds"] as? [[String: Any]], (1...10).contains(embeds.count) else {
            violate("\(route): embeds must be 1-10 objects")
            return
        }
        var total = 0
        for embed in embeds {
            let keys: Set = ["title", "url", "description", "color", "fields", "image", "footer", "timestamp", "thumbnail", "author"]
            for key in embed.keys where !keys.contains(key) { violate("\(route): embed key \(key)") }
            total += text(embed["title"], max: 256, "title", required: true)
            total += text(embed["description"], max: 4096, "description", required: false)
            if let url = embed["url"], !(url is String) { violate("embed.url must be a string") }
            if let color = embed["color"] { if !((color as? Int).map { (0...0xFFFFFF).contains($0) } ?? false) { violate("embed.color") } }
            if let fields = embed["fields"] {
                guard let fields = fields as? [[String: Any]], fields.count <= 25 else {
                    violate("embed.fields must be at most 25 objects")
                    continue
                }
                for field in fields {
                    total += text(field["name"], max: 256, "field.name", required: true)
                    total += text(field["value"], max: 1024, "field.value", required: true)
                    if let inline = field["inline"], !(inline is Bool) { violate("field.inline must be a boolean") }
                }
            }
            if let image = embed["image"] { if !((image as? [String: Any])?["url"] is String) { violate("embed.image.url") } }
            if let footer = embed["footer"] as? [String: Any] { total += text(footer["text"], max: 2048, "footer.text", required: true) }
        }
        if total > 6000 { violate("\(route): embeds hold \(total) characters, more than 6000") }
    }

    private func text(_ value: Any?, max: Int, _ name: String, required: Bool) -> Int {
        guard let value else {
            if required { violate("\(name) is required") }
            return 0
        }
        guard let string = value as? String, !string.isEmpty else {
            violate("\(name) must be a non-empty string")
            return 0
        }
        if string.utf16.count > max { violate("\(name): \(string.utf16.count) characters, more than \(max)") }
        return string.utf16.count
    }

    private func checkMarkup(_ markup: Any?, _ method: String) {
        guard let markup else { return }
        guard let rows = (markup as? [String: Any])?["inline_keyboard"] as? [[[String: Any]]] else {
            violate("\(method): reply_markup.inline_keyboard must be an array of arrays of buttons")
            return
        }
        for button in rows.joined() {
            if !(button["text"] is String) || !(button["url"] is String) { violate("\(method): a button needs text and url") }
        }
    }

    /// Telegram's HTML: only its tags, balanced, `<a>` with an href, only its named entities, no
    /// bare `<`, `>` or `&`; the limit counts the text after entities are parsed.
    private func checkHTML(_ value: Any?, limit: Int, allowEmpty: Bool, _ name: String) {
        guard let html = value as? String else {
            if !allowEmpty || value != nil { violate("\(name) must be a string") }
            return
        }
        let tags: Set = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "blockquote"]
        var open: [String] = []
        var visible = 0
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            if character == "<" {
                guard let close = html[index...].firstIndex(of: ">") else {
                    violate("\(name): a bare <")
                    return
                }
                let inner = html[html.index(after: index)..<close]
                if inner.hasPrefix("/") {
                    let tag = String(inner.dropFirst())
                    if open.popLast() != tag { violate("\(name): </\(tag)> closes nothing open") }
                } else {
                    let tag = String(inner.prefix { $0 != " " })
                    if !tags.contains(tag) { violate("\(name): tag <\(tag)> is not supported") }
                    if tag == "a" && !inner.contains("href=\"") { violate("\(name): <a> without href") }
                    if inner.contains("<") { violate("\(name): < inside a tag") }
                    open.append(tag)
                }
                index = html.index(after: close)
                continue
            }
            if character == ">" { violate("\(name): a bare >") }
            if character == "&" {
                let rest = html[index...].prefix(12)
                let ok = ["&lt;", "&gt;", "&amp;", "&quot;"].contains { rest.hasPrefix($0) }
                    || (rest.hasPrefix("&#") && rest.contains(";"))
                if !ok { violate("\(name): a bare & or an unsupported entity") }
                let end = html[index...].firstIndex(of: ";") ?? index
                index = html.index(after: end)
                visible += 1
                continue
            }
            visible += String(character).utf16.count
            index = html.index(after: index)
        }
        if !open.isEmpty { violate("\(name): <\(open.joined(separator: ", "))> never closed") }
        if visible > limit { violate("\(name): \(visible) characters after entities, more than \(limit)") }
        if visible == 0 && !allowEmpty { violate("\(name): empty") }
    }

    // MARK: - Support

    private func violate(_ message: String) { lock.withLock { _violations.append(message) } }

    private func makeID() -> String {
        lock.withLock {
            nextID += 1
            return String(nextID)
        }
    }

    private func store(_ id: String, _ body: [String: Any]) { lock.withLock { _messages[id] = Self.sendable(body) } }

    /// JSON values are Sendable in fact (strings, numbers, arrays, dictionaries).
    static func sendable(_ body: [String: Any]) -> [String: any Sendable] {
        body.mapValues { SendableJSON(value: $0) }
    }

    static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A JSON value parsed by `JSONSerialization`: strings, numbers, arrays, dictionaries.
struct SendableJSON: @unchecked Sendable {
    let value: Any
}

extension ChannelReceiver.Received {
    func string(_ key: String) -> String? { (body[key] as? SendableJSON)?.value as? String }
    func value(_ key: String) -> Any? { (body[key] as? SendableJSON)?.value }
}

extension Dictionary where Key == String, Value == any Sendable {
    func string(_ key: String) -> String? { (self[key] as? SendableJSON)?.value as? String }
    func value(_ key: String) -> Any? { (self[key] as? SendableJSON)?.value }
}
