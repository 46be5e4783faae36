import Foundation
import Yams

extension PublishConfig {
    static let sectionKeys = ["default", "targets", "html_cache_control", "retain", "grace", "max_deletes",
                              "workers", "purge_url", "purge_command", "deadline"]
    static let targetKeys = ["url", "endpoint", "region", "path_style", "purge_url", "purge_command"]

    /// Parses the `publish:` section out of a whole `dropgen.yaml` text.
    static func parse(yaml: String, fileName: String, siteRoot: URL) throws -> PublishConfig {
        let root: Node?
        if let (line, column) = YAMLDepth.firstPastLimit(yaml) {
            throw PublishConfigError(file: fileName, line: line, column: column, key: nil,
                                     message: "invalid YAML: lists and mappings nested too deep (the limit is \(YAMLDepth.limit) levels)")
        }
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw PublishConfigError(file: fileName, line: nil, column: nil, key: nil, message: "invalid YAML: \(error)")
        }
        var config = PublishConfig(siteRoot: siteRoot)
        guard let top = root?.mapping else { return config }
        config.baseURL = top["base_url"]?.string
        guard let publishNode = top["publish"] else { return config }
        let reader = Reader(file: fileName)
        let section = try reader.mapping(publishNode, key: "publish")
        try reader.checkKeys(section, allowed: sectionKeys, in: "publish")

        if let node = section["default"] { config.defaultTarget = try reader.string(node, key: "default") }
        if let node = section["html_cache_control"] {
            config.htmlCacheControl = try reader.headerValue(node, key: "html_cache_control")
        }
        if let node = section["retain"] { config.retain = try reader.int(node, key: "retain", min: 1) }
        if let node = section["max_deletes"] { config.maxDeletes = try reader.int(node, key: "max_deletes", min: 0) }
        if let node = section["workers"] { config.workers = try reader.int(node, key: "workers", min: 1, max: 64) }
        if let node = section["grace"] { config.grace = try reader.duration(node, key: "grace") }
        if let node = section["deadline"] {
            config.deadline = try reader.duration(node, key: "deadline")
            if config.deadline <= 0 { throw reader.error(node, key: "deadline", "'deadline' must be longer than zero, such as 30m or 2h") }
        }
        if let node = section["purge_url"] { config.purgeURL = try reader.url(node, key: "purge_url") }
        if let node = section["purge_command"] { config.purgeCommand = try reader.string(node, key: "purge_command") }

        if let node = section["targets"] {
            let targets = try reader.mapping(node, key: "targets")
            var parsed: [String: Target] = [:]
            for (keyNode, valueNode) in targets {
                let name = try reader.string(keyNode, key: "targets")
                let fields = try reader.mapping(valueNode, key: name)
                try reader.checkKeys(fields, allowed: targetKeys, in: "publish.targets.\(name)")
                guard let urlNode = fields["url"] else {
                    throw reader.error(valueNode, key: name, "target '\(name)' needs a url (file://DIR or s3://BUCKET/PREFIX)")
                }
                let url = try reader.url(urlNode, key: "url")
                let location = try reader.location(url, node: urlNode, siteRoot: siteRoot)
                var target = Target(name: name, url: url, location: location)
                if let n = fields["endpoint"] { target.endpoint = try reader.url(n, key: "endpoint") }
                if let n = fields["region"] { target.region = try reader.string(n, key: "region") }
                if let n = fields["path_style"] { target.pathStyle = try reader.bool(n, key: "path_style") }
                if let n = fields["purge_url"] { target.purgeURL = try reader.url(n, key: "purge_url") }
                if let n = fields["purge_command"] { target.purgeCommand = try reader.string(n, key: "purge_command") }
                parsed[name] = target
            }
            config.targets = parsed
        }
        if config.targets[config.defaultTarget] == nil {
            let place = section["default"] ?? publishNode
            throw reader.error(place, key: "default",
                               "default target '\(config.defaultTarget)' is not among the targets (\(config.targets.keys.sorted().joined(separator: ", ")))")
        }
        return config
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

/// Reads typed values out of YAML nodes, turning mistakes into errors with file, line and key.
private struct Reader {
    var file: String

    func error(_ node: Node, key: String?, _ message: String) -> PublishConfigError {
        PublishConfigError(file: file, line: node.mark?.line, column: node.mark?.column, key: key, message: message)
    }

    func mapping(_ node: Node, key: String) throws -> Node.Mapping {
        guard let mapping = node.mapping else { throw error(node, key: key, "'\(key)' must be a mapping") }
        return mapping
    }

    func string(_ node: Node, key: String) throws -> String {
        guard let scalar = node.scalar else { throw error(node, key: key, "'\(key)' must be a string") }
        return scalar.string
    }

    func int(_ node: Node, key: String, min: Int, max: Int = .max) throws -> Int {
        guard let value = node.int, value >= min, value <= max else {
            throw error(node, key: key, "'\(key)' must be a whole number from \(min)\(max == .max ? "" : " to \(max)")")
        }
        return value
    }
    /// A URL or path: no white space or control character, which would reach request lines,
    /// headers and rule files.
    func url(_ node: Node, key: String) throws -> String {
        let text = try string(node, key: key)
        if let unsafe = LineSafe.firstUnsafe(in: text) { throw error(node, key: key, "'\(key)' \(LineSafe.unsafeMessage(unsafe))") }
        return text
    }

    /// A header value: one line, without control characters.
    func headerValue(_ node: Node, key: String) throws -> String {
        let text = try string(node, key: key)
        if let bad = text.unicodeScalars.first(where: { LineSafe.isControl($0) || $0 == "\n" || $0 == "\r" }) {
            throw error(node, key: key, "'\(key)' contains \(LineSafe.describe(bad)); a header value is one line without control characters")
        }
        return text
    }


    func bool(_ node: Node, key: String) throws -> Bool {
        guard let value = node.bool else { throw error(node, key: key, "'\(key)' must be true or false") }
        return value
    }

    func duration(_ node: Node, key: String) throws -> TimeInterval {
        guard let text = node.scalar?.string, let seconds = PublishConfig.parseDuration(text) else {
            throw error(node, key: key, "'\(key)' must be a duration such as 90s, 30m, 1h or 2d")
        }
        return seconds
    }

    func checkKeys(_ mapping: Node.Mapping, allowed: [String], in section: String) throws {
        for (keyNode, _) in mapping {
            let key = keyNode.scalar?.string ?? "?"
            if !allowed.contains(key) {
                var message = "unknown key '\(key)' in \(section)"
                if let hint = closest(key, in: allowed) { message += " (did you mean '\(hint)'?)" }
                throw error(keyNode, key: key, message)
            }
        }
    }

    func location(_ url: String, node: Node, siteRoot: URL) throws -> PublishConfig.Target.Location {
        if url.hasPrefix("file://") {
            let path = String(url.dropFirst("file://".count))
            guard !path.isEmpty else { throw error(node, key: "url", "file:// target needs a folder") }
            let folder = path.hasPrefix("/") ? URL(fileURLWithPath: path) : siteRoot.appendingPathComponent(path)
            return .folder(folder.standardizedFileURL)
        }
        if url.hasPrefix("s3://") {
            let rest = url.dropFirst("s3://".count)
            let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let bucket = parts.first.map(String.init) ?? ""
            guard !bucket.isEmpty else { throw error(node, key: "url", "s3:// target needs a bucket: s3://BUCKET/PREFIX") }
            let prefix = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "/")) : ""
            return .s3(bucket: bucket, prefix: prefix)
        }
        throw error(node, key: "url", "unsupported target url '\(url)': use file://DIR or s3://BUCKET/PREFIX")
    }

    func closest(_ word: String, in candidates: [String]) -> String? {
        var best: (name: String, score: Int)?
        for candidate in candidates.sorted() {
            let score: Int = distance(word, candidate)
            if best == nil || score < best!.score { best = (candidate, score) }
        }
        guard let best, best.score <= max(2, word.count / 3) else { return nil }
        return best.name
    }

    func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
