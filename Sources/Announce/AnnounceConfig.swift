import Foundation
import SiteManifest
import SiteSource

/// The `announce:` section of `dropgen.yaml`: which channels hear of which drop events. Secrets
/// are named by environment variable only; the file never holds a URL with a token in it.
public struct AnnounceConfig: Sendable, Equatable {
    public struct Channel: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            /// A Discord incoming webhook; its URL (which holds its token) comes from `webhookURLEnv`.
            case discord(webhookURLEnv: String)
            /// The Telegram Bot API at `apiURL` (a self-hosted Bot API server, or the tests' receiver).
            case telegram(tokenEnv: String, chatID: String, apiURL: String)
            /// A JSON POST signed with HMAC-SHA256 (`X-Dropgen-Signature: sha256=<hex>`).
            case webhook(urlEnv: String, secretEnv: String)

            public var label: String {
                switch self {
                case .discord: "discord"
                case .telegram: "telegram"
                case .webhook: "webhook"
                }
            }
        }

        public var name: String
        public var kind: Kind
        public var events: [AnnounceEvent.Kind]
        public var pinnedCatalog: Bool
        /// The template under `templates/announce/` (without `.mustache`) for event messages.
        public var template: String

        public init(name: String, kind: Kind, events: [AnnounceEvent.Kind] = AnnounceConfig.defaultEvents,
                    pinnedCatalog: Bool = false, template: String? = nil) {
            self.name = name
            self.kind = kind
            self.events = events
            self.pinnedCatalog = pinnedCatalog
            self.template = template ?? kind.label
        }

        public func wants(_ kind: AnnounceEvent.Kind) -> Bool { events.contains(kind) }
    }

    public static let defaultEvents: [AnnounceEvent.Kind] = [.earlyAccess, .opened, .lastUnits, .soldOut]
    public static let defaultLastUnits = 3
    /// Channels a site may configure: every one costs requests on every change.
    public static let maxChannels = 16

    public var lastUnits: Int
    /// Sorted by name.
    public var channels: [Channel]

    public init(lastUnits: Int = AnnounceConfig.defaultLastUnits, channels: [Channel]) {
        self.lastUnits = lastUnits
        self.channels = channels.sorted { $0.name < $1.name }
    }

    static let fileName = "dropgen.yaml"
    static let sectionKeys = ["events", "last_units", "channels"]
    static let commonKeys = ["kind", "events", "pinned_catalog", "template"]
    static let kindKeys: [String: [String]] = [
        "discord": ["webhook_url_env"],
        "telegram": ["token_env", "chat_id", "api_url"],
        "webhook": ["url_env", "secret_env"],
    ]
    public static let defaultTelegramAPI = "https://api.telegram.org"

    /// The section of the site's `dropgen.yaml`; nil when it has none (nothing is announced).
    public static func load(siteRoot: URL) throws(BuildFailed) -> AnnounceConfig? {
        var log = DiagnosticLog()
        let config = load(siteRoot: siteRoot, log: &log)
        try log.throwIfAny()
        return config
    }

    /// The same, adding its mistakes to `log` (as `dropgen check` does, with the site's own).
    public static func load(siteRoot: URL, log: inout DiagnosticLog) -> AnnounceConfig? {
        let file = siteRoot.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: file.path),
              let text = decodeUTF8(data, path: fileName, log: &log) else { return nil }
        return read(yaml: text, fileName: fileName, log: &log)
    }

    /// Reads `announce:` out of a whole `dropgen.yaml` text; every mistake goes to `log`.
    public static func read(yaml: String, fileName: String, log: inout DiagnosticLog) -> AnnounceConfig? {
        let source = YAMLSource(file: fileName, lineOffset: 0)
        let root: YAMLNode?
        do {
            root = try source.compose(yaml)
        } catch {
            log.add(error)
            return nil
        }
        guard let mapping = root?.mapping else { return nil }
        let top = YAMLFields(mapping, source: source)
        guard top.has("announce") else { return nil }
        let before = log.count
        guard let section = top.fields("announce", log: &log) else { return nil }
        section.checkKeys(known: sectionKeys, required: ["channels"], log: &log)
        let defaults = events(section, log: &log) ?? defaultEvents
        let lastUnits = section.int("last_units", min: 1, max: 1000, log: &log) ?? defaultLastUnits
        var channels: [Channel] = []
        if let list = section.fields("channels", log: &log) {
            if list.keys.count > maxChannels {
                log.add(section.diagnostic("channels", "at most \(maxChannels) channels, got \(list.keys.count)"))
            }
            for name in list.keys {
                guard let fields = list.fields(name, log: &log) else {
                    if !list.has(name) { log.add(list.diagnostic(name, "expected a mapping of keys, got nothing")) }
                    continue
                }
                if let channel = channel(name, fields, defaults: defaults, in: list, log: &log) { channels.append(channel) }
            }
        }
        guard log.count == before else { return nil }
        return AnnounceConfig(lastUnits: lastUnits, channels: channels)
    }

    private static func channel(_ name: String, _ fields: YAMLFields, defaults: [AnnounceEvent.Kind], in list: YAMLFields,
                                log: inout DiagnosticLog) -> Channel? {
        let before = log.count
        if !isName(name) {
            log.add(list.diagnostic(name, "a channel name is 1-64 lowercase letters, digits and dashes, got \"\(name.prefix(80))\""))
        }
        guard let kindName = fields.string("kind", log: &log) else {
            if !fields.has("kind") { log.add(fields.diagnostic("kind", "required key is missing (discord, telegram or webhook)")) }
            return nil
        }
        guard let own = kindKeys[kindName] else {
            log.add(fields.diagnostic("kind", "unknown channel kind \"\(kindName.prefix(80))\"; use discord, telegram or webhook"
                + Suggestion.didYouMean(kindName, among: kindKeys.keys.sorted())))
            return nil
        }
        fields.checkKeys(known: commonKeys + own, log: &log)
        let events = events(fields, log: &log) ?? defaults
        let pinned = fields.bool("pinned_catalog", log: &log) ?? false
        let template = fields.string("template", log: &log)
        if let template, !isName(template) {
            log.add(fields.diagnostic("template", "names a file templates/announce/NAME.mustache: 1-64 lowercase letters, digits and dashes"))
        }
        let kind: Channel.Kind?
        switch kindName {
        case "discord":
            kind = variable(fields, "webhook_url_env", log: &log).map { .discord(webhookURLEnv: $0) }
        case "telegram":
            let token = variable(fields, "token_env", log: &log)
            let chat = chatID(fields, log: &log)
            let api = apiURL(fields, log: &log)
            kind = token.flatMap { token in chat.map { .telegram(tokenEnv: token, chatID: $0, apiURL: api ?? defaultTelegramAPI) } }
        default:
            let url = variable(fields, "url_env", log: &log)
            let secret = variable(fields, "secret_env", log: &log)
            if pinned { log.add(fields.diagnostic("pinned_catalog", "a webhook channel has no message to edit; only discord and telegram keep a pinned catalog")) }
            kind = url.flatMap { url in secret.map { .webhook(urlEnv: url, secretEnv: $0) } }
        }
        guard let kind, log.count == before else { return nil }
        return Channel(name: name, kind: kind, events: events, pinnedCatalog: pinned, template: template)
    }

    private static func events(_ fields: YAMLFields, log: inout DiagnosticLog) -> [AnnounceEvent.Kind]? {
        guard fields.has("events") else { return nil }
        var kinds: [AnnounceEvent.Kind] = []
        let names = AnnounceEvent.Kind.allCases.map(\.rawValue)
        let items = fields.node("events")?.sequence.map(Array.init)
        for (index, name) in fields.stringList("events", log: &log).enumerated() {
            guard let kind = AnnounceEvent.Kind(rawValue: name) else {
                let item = items.flatMap { index < $0.count ? $0[index] : nil }
                log.add(fields.diagnostic("events[\(index)]", "unknown event \"\(name.prefix(80))\" (\(names.joined(separator: ", ")))"
                    + Suggestion.didYouMean(name, among: names), at: item))
                continue
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        return kinds
    }

    /// An environment variable's name: `DISCORD_WEBHOOK_URL`.
    private static func variable(_ fields: YAMLFields, _ key: String, log: inout DiagnosticLog) -> String? {
        guard let name = fields.string(key, log: &log) else {
            if !fields.has(key) { log.add(fields.diagnostic(key, "required key is missing (the name of an environment variable)")) }
            return nil
        }
        let valid = !name.isEmpty && name.utf8.count <= 128 && name.utf8.enumerated().allSatisfy { index, byte in
            byte == UInt8(ascii: "_") || (byte >= 65 && byte <= 90) || (index > 0 && byte >= 48 && byte <= 57)
        }
        guard valid else {
            log.add(fields.diagnostic(key, "expected the name of an environment variable (A-Z, 0-9, _), got \"\(name.prefix(80))\"; secrets never go in the file"))
            return nil
        }
        return name
    }

    /// `@channelname` or a numeric chat id such as `-1001234567890`.
    private static func chatID(_ fields: YAMLFields, log: inout DiagnosticLog) -> String? {
        guard let text = fields.string("chat_id", log: &log) else {
            if !fields.has("chat_id") { log.add(fields.diagnostic("chat_id", "required key is missing (@channelname or a numeric id)")) }
            return nil
        }
        let username = text.hasPrefix("@") && (6...33).contains(text.utf8.count)
            && text.utf8.dropFirst().allSatisfy { $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
        let numeric = Int64(text) != nil
        guard username || numeric else {
            log.add(fields.diagnostic("chat_id", "expected @channelname (5-32 letters, digits, _) or a numeric chat id, got \"\(text.prefix(80))\""))
            return nil
        }
        return text
    }

    private static func apiURL(_ fields: YAMLFields, log: inout DiagnosticLog) -> String? {
        guard let text = fields.string("api_url", log: &log) else { return nil }
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard (trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://")), LineSafe.firstUnsafe(in: trimmed) == nil,
              URL(string: trimmed)?.host != nil else {
            log.add(fields.diagnostic("api_url", "expected an http(s) URL such as https://api.telegram.org, got \"\(text.prefix(80))\""))
            return nil
        }
        return trimmed
    }

    static func isName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { $0 == UInt8(ascii: "-") || ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) }
    }
}
