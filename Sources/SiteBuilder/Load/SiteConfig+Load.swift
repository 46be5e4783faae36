import Foundation
import MediaPipeline
import SiteManifest
import SiteSource

extension SiteConfig {
    static let file = "dropgen.yaml"
    static let knownKeys = ["title", "description", "base_url", "currency", "timezone", "locale", "cadence", "media",
                            "publish", "archive_after_days", "budgets", "stock", "announce"]
    static let mediaKeys = ["max_short_side", "max_height", "max_fps", "crf", "webm", "still_widths", "poster_widths", "quality",
                            "cache_dir", "max_pixels"]

    /// Reads `dropgen.yaml` alone, every mistake in it thrown together (the command line reads
    /// `stock.from` before a build).
    public static func load(root: URL) throws(BuildFailed) -> SiteConfig {
        var log = DiagnosticLog()
        guard let config = load(root: root.standardizedFileURL, log: &log) else { throw BuildFailed(log) }
        return config
    }

    /// Reads `dropgen.yaml`. `publish:` belongs to the Publisher and is only checked there.
    static func load(root: URL, log: inout DiagnosticLog) -> SiteConfig? {
        if SiteFolder(root: root).leaves(root.appendingPathComponent(file).path) {
            log.add(Diagnostic(file: file, message: SiteFolder.leavesMessage))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path) else {
            log.add(Diagnostic(file: file, message: "not found: every site needs a \(file) at its root (`dropgen init` writes one)"))
            return nil
        }
        guard let text = decodeUTF8(data, path: file, log: &log) else { return nil }
        let source = YAMLSource(file: file, lineOffset: 0)
        let root: YAMLNode?
        do { root = try source.compose(text) } catch { log.add(error); return nil }
        guard let root, let fields = YAMLFields.mapping(root, source: source, path: "", log: &log) else {
            if root == nil { log.add(Diagnostic(file: file, line: 1, message: "is empty; it needs at least `title` and `base_url`")) }
            return nil
        }
        let before = log.count
        fields.checkKeys(known: knownKeys, required: ["title", "base_url"], log: &log)
        let title = fields.nonEmptyString("title", log: &log) ?? ""
        let description = fields.string("description", log: &log) ?? ""

        let baseURLText = fields.string("base_url", log: &log)
        var baseURL = baseURLText ?? ""
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        if let unsafe = LineSafe.firstUnsafe(in: baseURL) {
            log.add(fields.diagnostic("base_url", LineSafe.unsafeMessage(unsafe)))
        } else if baseURLText != nil, URL(string: baseURL)?.host == nil || !(baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://")) {
            log.add(fields.diagnostic("base_url", "expected an absolute http(s) URL such as https://market.example, got \"\(baseURL)\""))
        }

        let currency = fields.string("currency", log: &log) ?? "USD"
        if currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
            log.add(fields.diagnostic("currency", "expected an ISO 4217 code such as EUR or USD, got \"\(currency)\""))
        }

        let zoneName = fields.string("timezone", log: &log) ?? "UTC"
        let timeZone = TimeZone(identifier: zoneName)
        if timeZone == nil {
            log.add(fields.diagnostic("timezone", "unknown IANA time zone \"\(zoneName)\"; use a name such as Europe/Berlin"))
        }

        var cadence: Cadence?
        if let cadenceFields = fields.fields("cadence", log: &log) {
            cadenceFields.checkKeys(known: ["weekly"], required: ["weekly"], log: &log)
            if let weekly = cadenceFields.string("weekly", log: &log) {
                cadence = Cadence.parse(weekly)
                if cadence == nil {
                    log.add(cadenceFields.diagnostic("weekly", "expected a day and a 24-hour time such as \"friday 18:00\", got \"\(weekly)\""))
                }
            }
        }

        var warnings: [String] = []
        let media = loadMedia(fields.fields("media", log: &log), log: &log, warnings: &warnings)
        let archiveAfterDays = fields.int("archive_after_days", min: 0, log: &log) ?? 30
        let budgets = Budgets.load(fields.fields("budgets", log: &log), log: &log)
        var stockFrom: String?, stockFromAt: Diagnostic?
        if let stock = fields.fields("stock", log: &log) {
            stock.checkKeys(known: ["from"], required: ["from"], log: &log)
            stockFrom = stock.nonEmptyString("from", log: &log)
            stockFromAt = stock.diagnostic("from", "")
        }

        guard log.count == before, let timeZone else { return nil }
        return SiteConfig(title: title, description: description, baseURL: baseURL, currency: currency, timeZone: timeZone,
                          locale: fields.string("locale", log: &log) ?? "en", cadence: cadence, media: media,
                          archiveAfterDays: archiveAfterDays, budgets: budgets, stockFrom: stockFrom,
                          stockFromAt: stockFromAt, warnings: warnings)
    }

    private static func loadMedia(_ fields: YAMLFields?, log: inout DiagnosticLog, warnings: inout [String]) -> MediaOptions {
        var options = MediaOptions()
        guard let fields else { return options }
        fields.checkKeys(known: mediaKeys, log: &log)
        // `max_height` capped the height, which made a portrait clip 404 px wide; the cap is on
        // the short side now, and the old key is read as that with a warning.
        if fields.has("max_height"), fields.has("max_short_side") {
            log.add(fields.diagnostic("max_height", "replaced by `max_short_side`; give only `max_short_side`"))
        } else if let value = fields.int("max_height", min: 144, log: &log) {
            options.maxShortSide = value
            warnings.append(fields.diagnostic("max_height", "deprecated: read as `max_short_side: \(value)` "
                + "(the short side of clips and posters, so portrait clips keep their width); rename it").description)
        }
        if let value = fields.int("max_short_side", min: 144, log: &log) { options.maxShortSide = value }
        if let value = fields.int("max_fps", min: 1, log: &log) {
            if value > 120 { log.add(fields.diagnostic("max_fps", "must be between 1 and 120, got \(value)")) } else { options.maxFrameRate = value }
        }
        if let value = fields.int("crf", min: 0, log: &log) {
            if value > 51 { log.add(fields.diagnostic("crf", "must be between 0 and 51, got \(value)")) } else { options.crf = value }
        }
        if let value = fields.bool("webm", log: &log) { options.webm = value }
        for key in ["still_widths", "poster_widths"] {
            let texts = fields.stringList(key, log: &log)
            guard fields.has(key) else { continue }
            let widths = texts.compactMap { Int($0) }.filter { $0 >= 16 }
            if widths.count != texts.count || widths.isEmpty {
                log.add(fields.diagnostic(key, "expected a list of pixel widths such as [480, 960, 1600]"))
            } else if key == "still_widths" {
                options.stillWidths = widths.sorted()
            } else {
                options.posterWidths = widths.sorted(by: >)
            }
        }
        if let value = fields.int("quality", min: 1, log: &log) {
            if value > 100 { log.add(fields.diagnostic("quality", "must be between 1 and 100, got \(value)")) } else { options.quality = Float(value) }
        }
        if let value = fields.nonEmptyString("cache_dir", log: &log) { options.cacheDirectory = value }
        if let value = fields.int("max_pixels", min: 1, log: &log) { options.maxPixels = value }
        return options
    }
}
