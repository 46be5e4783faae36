import Foundation
import SiteSource
import TemplateKit

/// The announcement templates: the theme's `announce/*.mustache`, replaced file by file by the
/// site's `templates/announce/`. `<template>` renders an event (Discord: the embed's description,
/// values already markdown-escaped, so print them with `{{{…}}}`; Telegram: the whole caption in
/// HTML, printed with `{{…}}`, which escapes), `<template>-catalog` the pinned catalog.
public struct MessageTemplates: Sendable {
    let library: TemplateLibrary
    let names: Set<String>

    public static let prefix = "announce/"

    /// `sources` by template name (`announce/discord`), as the site's template loader gives them.
    public init(_ sources: [String: String]) throws(BuildFailed) {
        let own = sources.filter { $0.key.hasPrefix(Self.prefix) }
        do throws(TemplateErrors) {
            library = try TemplateLibrary(own)
        } catch {
            throw BuildFailed(error.errors.map {
                Diagnostic(file: "templates/\($0.template).mustache", line: $0.line, column: $0.column,
                           message: "template error: \($0.message)")
            })
        }
        names = Set(own.keys)
    }

    /// Every template the channels name, present: `templates/announce/x.mustache: not found`.
    public func check(_ config: AnnounceConfig) throws(BuildFailed) {
        var log = DiagnosticLog()
        for channel in config.channels where channel.kind.label != "webhook" {
            var needed = [channel.template]
            if channel.pinnedCatalog { needed.append(channel.template + "-catalog") }
            for name in needed where !names.contains(Self.prefix + name) {
                log.add(Diagnostic(file: "templates/\(Self.prefix)\(name).mustache",
                                   message: "not found; channel `\(channel.name)` needs this template"))
            }
        }
        try log.throwIfAny()
    }

    func render(_ name: String, _ value: TemplateValue) throws -> String {
        guard let text = library.render(Self.prefix + name, value) else {
            throw AnnounceError.template("templates/\(Self.prefix)\(name).mustache: not found")
        }
        // A section on a line of its own text leaves an empty line when it is false: drop those.
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: "\n")
    }
}

/// The values a template sees, for one event or the catalog, with text escaped for the channel.
struct MessageContext {
    enum Dialect { case discord, telegram }

    static func headline(_ event: AnnounceEvent) -> String {
        switch event.kind {
        case .scheduled: "Coming soon"
        case .earlyAccess:
            (event.drop.earlyAccess?.badges).map { $0.isEmpty ? "Early access" : "Early access for \($0.joined(separator: ", ")) holders" }
                ?? "Early access"
        case .opened: "Now open"
        case .lastUnits: "Only \(event.drop.remaining ?? 0) left"
        case .soldOut: "Sold out"
        case .closed: "Closed"
        }
    }

    /// Text escaped for the dialect: Discord's values are markdown-escaped (templates print
    /// them raw); Telegram's stay plain (the template's `{{…}}` escapes them as HTML).
    static func text(_ value: String, _ dialect: Dialect) -> TemplateValue {
        .string(dialect == .discord ? MessageText.discordEscaped(value) : MessageText.oneLine(value))
    }

    static func drop(_ drop: LiveCatalog.Drop, dialect: Dialect, titleLimit: Int = 256) -> [String: TemplateValue] {
        var value: [String: TemplateValue] = [
            "title": text(MessageText.clipped(MessageText.oneLine(drop.title), to: titleLimit), dialect),
            "creator": text(MessageText.clipped(drop.creator, to: 200), dialect),
            "url": .string(drop.permalink),
            "state": .string(drop.state),
            "has_stock": .bool(drop.remaining != nil),
            "sold_out": .bool(drop.state == "sold_out"),
        ]
        if let price = MessageText.price(drop.price, currency: drop.currency) { value["price"] = text(price, dialect) }
        if let remaining = drop.remaining { value["remaining"] = .int(remaining) }
        if let edition = drop.edition { value["edition"] = .int(edition) }
        for (key, instant) in [("opens", drop.opens), ("closes", drop.closes), ("early_access_opens", drop.earlyAccess?.opens)] {
            guard let unix = MessageText.unix(instant) else { continue }
            value[key + "_unix"] = .int(unix)
            value[key] = .string(dialect == .discord ? "<t:\(unix):R>" : MessageText.utcText(instant) ?? "")
        }
        if let badges = drop.earlyAccess?.badges, !badges.isEmpty {
            value["badges"] = text(badges.joined(separator: ", "), dialect)
        }
        return value
    }

    static func event(_ event: AnnounceEvent, site: String, dialect: Dialect, titleLimit: Int = 256) -> TemplateValue {
        var value = drop(event.drop, dialect: dialect, titleLimit: titleLimit)
        value["kind"] = .string(event.kind.rawValue)
        value["is_" + event.kind.rawValue] = .bool(true)
        value["headline"] = text(headline(event), dialect)
        value["site"] = text(site, dialect)
        return .object(value)
    }

    /// Drops live now and opening within 7 days of the catalog's time: what a pinned catalog lists.
    static func catalogDrops(_ catalog: LiveCatalog) -> [LiveCatalog.Drop] {
        let now = MessageText.unix(catalog.generatedAt) ?? 0
        let selling = catalog.drops.filter { $0.selling }
            .sorted { (MessageText.unix($0.closes) ?? .max, $0.slug) < (MessageText.unix($1.closes) ?? .max, $1.slug) }
        let soon = catalog.drops.filter { drop in
            guard drop.state == "scheduled", let opens = MessageText.unix(drop.earlyAccess?.opens ?? drop.opens) else { return false }
            return opens - now <= 7 * 86400
        }.sorted { (MessageText.unix($0.opens) ?? 0, $0.slug) < (MessageText.unix($1.opens) ?? 0, $1.slug) }
        return selling + soon
    }

    /// The catalog showing the first `count` of `drops`, and how many more there are.
    static func catalog(_ catalog: LiveCatalog, drops: [LiveCatalog.Drop], count: Int, dialect: Dialect) -> TemplateValue {
        let shown = drops.prefix(count).map { drop -> TemplateValue in
            var value = Self.drop(drop, dialect: dialect, titleLimit: 120)
            value["live"] = .bool(drop.selling)
            value["early_access"] = .bool(drop.state == "early_access")
            value["scheduled"] = .bool(drop.state == "scheduled")
            return .object(value)
        }
        let more = drops.count - shown.count
        var value: [String: TemplateValue] = [
            "site": text(catalog.site, dialect), "drops": .list(shown), "empty": .bool(drops.isEmpty),
            "all_url": .string(catalog.baseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/drops/"),
        ]
        if more > 0 { value["more"] = .int(more) }
        return .object(value)
    }
}
