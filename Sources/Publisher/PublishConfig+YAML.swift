import Foundation
import SiteManifest
import SiteSource

extension PublishConfig {
    static let sectionKeys = ["default", "targets", "html_cache_control", "retain", "grace", "max_deletes",
                              "workers", "purge_url", "purge_command", "deadline", "live_cache_control",
                              "prune_interval"]
    static let targetKeys = ["url", "endpoint", "region", "path_style", "purge_url", "purge_command"]

    /// Reads the `publish:` section out of a whole `dropgen.yaml` text with the reader every other
    /// section goes through, so its mistakes are `Diagnostic`s like theirs. Every mistake is
    /// added to `log`; nil when there was any.
    static func read(yaml: String, fileName: String, siteRoot: URL, log: inout DiagnosticLog) -> PublishConfig? {
        let before = log.count
        var config = PublishConfig(siteRoot: siteRoot)
        let source = YAMLSource(file: fileName, lineOffset: 0)
        let root: YAMLNode?
        do {
            root = try source.compose(yaml)
        } catch {
            log.add(error)
            return nil
        }
        guard let mapping = root?.mapping else { return config }
        let top = YAMLFields(mapping, source: source)
        config.baseURL = top.node("base_url")?.string
        guard let section = top.fields("publish", log: &log) else { return log.count == before ? config : nil }
        section.checkKeys(known: sectionKeys, log: &log)

        if let name = section.string("default", log: &log) { config.defaultTarget = name }
        if let value = headerValue(section, "html_cache_control", log: &log) { config.htmlCacheControl = value }
        if let value = headerValue(section, "live_cache_control", log: &log) { config.liveCacheControl = value }
        if let retain = section.int("retain", min: 1, log: &log) { config.retain = retain }
        if let maxDeletes = section.int("max_deletes", min: 0, log: &log) { config.maxDeletes = maxDeletes }
        if let workers = section.int("workers", min: 1, max: 64, log: &log) { config.workers = workers }
        if let grace = duration(section, "grace", log: &log) { config.grace = grace }
        if let interval = duration(section, "prune_interval", log: &log) { config.pruneInterval = interval }
        if let deadline = duration(section, "deadline", log: &log) {
            if deadline > 0 {
                config.deadline = deadline
            } else {
                log.add(section.diagnostic("deadline", "must be longer than zero, such as 30m or 2h"))
            }
        }
        if let url = url(section, "purge_url", log: &log) { config.purgeURL = url }
        if let command = section.string("purge_command", log: &log) { config.purgeCommand = command }

        if let targets = section.fields("targets", log: &log) {
            var parsed: [String: Target] = [:]
            for name in targets.keys {
                guard let fields = targets.fields(name, log: &log) else {
                    if !targets.has(name) { log.add(targets.diagnostic(name, "expected a mapping of keys, got nothing")) }
                    continue
                }
                fields.checkKeys(known: targetKeys, log: &log)
                guard fields.has("url") else {
                    log.add(targets.diagnostic(name, "needs a url (file://DIR or s3://BUCKET/PREFIX)"))
                    continue
                }
                guard let url = url(fields, "url", log: &log), let location = location(url, fields: fields, siteRoot: siteRoot, log: &log) else { continue }
                var target = Target(name: name, url: url, location: location)
                target.endpoint = self.url(fields, "endpoint", log: &log)
                target.region = fields.string("region", log: &log)
                target.pathStyle = fields.bool("path_style", log: &log) ?? false
                target.purgeURL = self.url(fields, "purge_url", log: &log)
                target.purgeCommand = fields.string("purge_command", log: &log)
                parsed[name] = target
            }
            config.targets = parsed
        }
        guard log.count == before else { return nil }
        if config.targets[config.defaultTarget] == nil {
            log.add(section.diagnostic("default",
                                       "default target '\(config.defaultTarget)' is not among the targets (\(config.targets.keys.sorted().joined(separator: ", ")))"))
            return nil
        }
        return config
    }

    /// A duration as `parseDuration` reads it.
    private static func duration(_ fields: YAMLFields, _ key: String, log: inout DiagnosticLog) -> TimeInterval? {
        guard let node = fields.node(key) else { return nil }
        guard let text = node.scalar?.string, let seconds = parseDuration(text) else {
            log.add(fields.diagnostic(key, "expected a duration such as 90s, 30m, 1h or 2d, got \(node.described)"))
            return nil
        }
        return seconds
    }

    /// Text as written, checked by the caller rather than by `YAMLFields.string`: URLs and
    /// header values name the character they refuse in their own words.
    private static func text(_ fields: YAMLFields, _ key: String, log: inout DiagnosticLog) -> String? {
        guard let node = fields.node(key) else { return nil }
        guard let text = node.scalar?.string else {
            log.add(fields.diagnostic(key, "expected text, got \(node.described)"))
            return nil
        }
        return text
    }

    /// A URL or path: no white space or control character, which would reach request lines,
    /// headers and rule files.
    private static func url(_ fields: YAMLFields, _ key: String, log: inout DiagnosticLog) -> String? {
        guard let text = text(fields, key, log: &log) else { return nil }
        if let unsafe = LineSafe.firstUnsafe(in: text) {
            log.add(fields.diagnostic(key, LineSafe.unsafeMessage(unsafe)))
            return nil
        }
        return text
    }

    /// A header value: one line, without control characters.
    private static func headerValue(_ fields: YAMLFields, _ key: String, log: inout DiagnosticLog) -> String? {
        guard let text = text(fields, key, log: &log) else { return nil }
        if let bad = text.unicodeScalars.first(where: { LineSafe.isControl($0) || $0 == "\n" || $0 == "\r" }) {
            log.add(fields.diagnostic(key, "contains \(LineSafe.describe(bad)); a header value is one line without control characters"))
            return nil
        }
        return text
    }

    private static func location(_ url: String, fields: YAMLFields, siteRoot: URL, log: inout DiagnosticLog) -> Target.Location? {
        func fail(_ message: String) -> Target.Location? {
            log.add(fields.diagnostic("url", message))
            return nil
        }
        if url.hasPrefix("file://") {
            let path = String(url.dropFirst("file://".count))
            guard !path.isEmpty else { return fail("file:// target needs a folder") }
            let folder = path.hasPrefix("/") ? URL(fileURLWithPath: path) : siteRoot.appendingPathComponent(path)
            return .folder(folder.standardizedFileURL)
        }
        if url.hasPrefix("s3://") {
            let rest = url.dropFirst("s3://".count)
            let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let bucket = parts.first.map(String.init) ?? ""
            guard !bucket.isEmpty else { return fail("s3:// target needs a bucket: s3://BUCKET/PREFIX") }
            let prefix = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "/")) : ""
            return .s3(bucket: bucket, prefix: prefix)
        }
        return fail("unsupported target url '\(url)': use file://DIR or s3://BUCKET/PREFIX")
    }

    /// `30m`, `2h`, `90s`, `1.5s`: a duration as `parseDuration` reads it.
    static func durationText(_ seconds: TimeInterval) -> String {
        // Whole units only while the count fits an Int (`5.5e37` seconds trapped; found by fuzzing).
        for (unit, size) in [("d", 86400.0), ("h", 3600), ("m", 60)]
        where seconds >= size && seconds / size < 1e15 && seconds.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int(seconds / size))\(unit)"
        }
        return seconds == seconds.rounded() && seconds < 1e15 ? "\(Int(seconds))s" : "\(seconds)s"
    }

    /// Parses `1h`, `30m`, `45s`, `2d` or a plain number of seconds.
    static func parseDuration(_ text: String) -> TimeInterval? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let seconds: Double
        if let plain = Double(trimmed) {
            seconds = plain
        } else {
            guard let unit = trimmed.last, let value = Double(trimmed.dropLast()) else { return nil }
            switch unit {
            case "s": seconds = value
            case "m": seconds = value * 60
            case "h": seconds = value * 3600
            case "d": seconds = value * 86400
            default: return nil
            }
        }
        // `inf`, `1e400` and `1e307d` read as numbers, but they are no duration (found by fuzzing).
        return seconds.isFinite && seconds >= 0 ? seconds : nil
    }
}
