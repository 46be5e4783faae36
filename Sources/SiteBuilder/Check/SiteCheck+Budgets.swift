import CZlib
import Foundation
import SiteManifest
import SiteSource

/// `budgets:` in dropgen.yaml: the size limits `dropgen check` holds the built site to. Sizes are
/// in KB of 1024 bytes; fractional values are allowed (`page_kb_gzip: 12.5`).
public struct Budgets: Sendable, Equatable, Codable {
    /// A product page's HTML, gzipped as the edge sends it.
    public var pageKBGzip: Double = 14
    /// Each poster image of a hero clip.
    public var posterKB: Double = 80
    /// Each hero clip file.
    public var heroClipKB: Double = 2048
    /// Everything a page loads before the shopper interacts: HTML, blocking CSS, scripts,
    /// preloaded and eager images, the hero poster (text kinds counted gzipped).
    public var pageWeightKB: Double = 300
    /// `live.json`, gzipped: what a listing page polls every few seconds.
    public var liveKBGzip: Double = 4
    /// Each `live/<slug>.json`, gzipped: what a product page polls.
    public var liveDropKBGzip: Double = 1
    /// `dropgen probe`: the p95 first byte of hero clips and posters, in milliseconds (the playbook's figure).
    public var heroFirstByteMs: Double = 120

    public init() {}

    static let keys = ["page_kb_gzip", "poster_kb", "hero_clip_kb", "page_weight_kb", "live_kb_gzip", "live_drop_kb_gzip",
                       "hero_first_byte_ms"]

    enum CodingKeys: String, CodingKey {
        case pageKBGzip = "page_kb_gzip"
        case posterKB = "poster_kb"
        case heroClipKB = "hero_clip_kb"
        case pageWeightKB = "page_weight_kb"
        case liveKBGzip = "live_kb_gzip"
        case liveDropKBGzip = "live_drop_kb_gzip"
        case heroFirstByteMs = "hero_first_byte_ms"
    }

    /// Parses `budgets:`; a missing key keeps its default.
    static func load(_ fields: YAMLFields?, log: inout DiagnosticLog) -> Budgets {
        var budgets = Budgets()
        guard let fields else { return budgets }
        fields.checkKeys(known: keys, log: &log)
        let targets: [(String, WritableKeyPath<Budgets, Double>)] = [
            ("page_kb_gzip", \.pageKBGzip), ("poster_kb", \.posterKB), ("hero_clip_kb", \.heroClipKB), ("page_weight_kb", \.pageWeightKB),
            ("live_kb_gzip", \.liveKBGzip), ("live_drop_kb_gzip", \.liveDropKBGzip), ("hero_first_byte_ms", \.heroFirstByteMs),
        ]
        for (key, path) in targets {
            guard let node = fields.node(key) else { continue }
            guard let text = node.scalar?.string, let value = Double(text), value.isFinite, value > 0 else {
                let expected = key.hasSuffix("_ms") ? "a positive time in milliseconds such as 120" : "a positive size in KB such as 14"
                log.add(fields.diagnostic(key, "expected \(expected), got \(node.described)"))
                continue
            }
            budgets[keyPath: path] = value
        }
        return budgets
    }

    static func bytes(_ kb: Double) -> Int { Int((kb * 1024).rounded(.down)) }
}

/// Size of `data` gzipped at zlib's default level: what a CDN that compresses on the fly sends.
func gzippedSize(_ data: Data) -> Int {
    var stream = z_stream()
    // 15 + 16: a 32 KB window with a gzip header and trailer, as `Content-Encoding: gzip` carries.
    guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                        ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return data.count }
    defer { deflateEnd(&stream) }
    let bound = Int(deflateBound(&stream, uLong(data.count)))
    var output = [UInt8](repeating: 0, count: bound)
    var input = [UInt8](data)
    let result: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
        output.withUnsafeMutableBufferPointer { outputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            stream.next_out = outputBuffer.baseAddress
            stream.avail_out = uInt(outputBuffer.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    return result == Z_STREAM_END ? Int(stream.total_out) : data.count
}

extension SiteCheck {
    /// Bytes a resource costs on the wire: text kinds gzipped (the edge compresses them), media as is.
    static func transferSize(_ path: String, _ data: Data) -> Int {
        EdgeRules.isCompressible(contentType: EdgeRules.contentType(for: path)) ? gzippedSize(data) : data.count
    }

    static func checkBudgets(_ files: [String: Data], pages: [String: [Reference]], budgets: Budgets) -> [Violation] {
        var violations: [Violation] = []
        // Product pages: /drops/<slug>/ (listings and tag pages have their own, larger shape).
        for (page, _) in pages.sorted(by: { $0.key < $1.key }) where isProductPage(page) {
            let size = gzippedSize(files[page]!)
            let limit = Budgets.bytes(budgets.pageKBGzip)
            if size > limit {
                violations.append(Violation(kind: .budget, page: page, budget: "page_kb_gzip", actual: size, limit: limit,
                                            message: "HTML is \(kb(size)) gzipped (\(size) bytes), over the budget of \(kb(limit)) (\(limit) bytes)"))
            }
        }

        // Posters and clips are checked once each, naming the first page that shows them.
        let (posters, clips) = heroMedia(files, pages: pages)
        for (target, page) in posters.sorted(by: { $0.key < $1.key }) {
            let size = files[target]!.count, limit = Budgets.bytes(budgets.posterKB)
            if size > limit {
                violations.append(Violation(kind: .budget, page: page, budget: "poster_kb", actual: size, limit: limit,
                                            message: "poster /\(target) is \(kb(size)) (\(size) bytes), over the budget of \(kb(limit)) (\(limit) bytes)"))
            }
        }
        for (target, page) in clips.sorted(by: { $0.key < $1.key }) {
            let size = files[target]!.count, limit = Budgets.bytes(budgets.heroClipKB)
            if size > limit {
                violations.append(Violation(kind: .budget, page: page, budget: "hero_clip_kb", actual: size, limit: limit,
                                            message: "hero clip /\(target) is \(kb(size)) (\(size) bytes), over the budget of \(kb(limit)) (\(limit) bytes)"))
            }
        }

        // The live files are fetched again and again while a drop is on screen.
        for (path, data) in files.sorted(by: { $0.key < $1.key }) where EdgeRules.isLiveFile(path) {
            let (key, budget) = path == "live.json" ? ("live_kb_gzip", budgets.liveKBGzip) : ("live_drop_kb_gzip", budgets.liveDropKBGzip)
            let size = gzippedSize(data), limit = Budgets.bytes(budget)
            if size > limit {
                violations.append(Violation(kind: .budget, page: path, budget: key, actual: size, limit: limit,
                                            message: "live file is \(kb(size)) gzipped (\(size) bytes), over the budget of \(kb(limit)) (\(limit) bytes)"))
            }
        }

        let limit = Budgets.bytes(budgets.pageWeightKB)
        for (page, references) in pages.sorted(by: { $0.key < $1.key }) {
            let weight = pageWeight(page, references: references, files: files)
            if weight > limit {
                violations.append(Violation(kind: .budget, page: page, budget: "page_weight_kb", actual: weight, limit: limit,
                                            message: "weighs \(kb(weight)) before interaction (\(weight) bytes: HTML, CSS, scripts, poster, eager images), over the budget of \(kb(limit)) (\(limit) bytes)"))
            }
        }
        return violations
    }

    /// Posters and clips, each with the first page (by path) that shows it.
    static func heroMedia(_ files: [String: Data], pages: [String: [Reference]]) -> (posters: [String: String], clips: [String: String]) {
        var posters: [String: String] = [:], clips: [String: String] = [:]
        for (page, references) in pages.sorted(by: { $0.key < $1.key }) {
            for reference in references {
                guard let target = reference.target, files[target] != nil else { continue }
                if reference.attribute == "poster" { posters[target] = posters[target] ?? page }
                if EdgeRules.contentType(for: target).hasPrefix("video/") { clips[target] = clips[target] ?? page }
            }
        }
        return (posters, clips)
    }

    /// Every clip's real size against `hero_clip_kb`, so a maker sees how close a clip is before it fails.
    static func clipSizes(_ files: [String: Data], pages: [String: [Reference]], budgets: Budgets) -> [ClipSize] {
        heroMedia(files, pages: pages).clips.sorted(by: { $0.key < $1.key }).map { target, page in
            ClipSize(path: target, page: page, bytes: files[target]!.count, limit: Budgets.bytes(budgets.heroClipKB))
        }
    }

    /// `1.23 MB` (of 1,048,576 bytes), as the clip budget is written.
    static func megabytes(_ bytes: Int) -> String { String(format: "%.2f MB", Double(bytes) / 1_048_576) }

    static func isProductPage(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts.count == 3 && parts[0] == "drops" && parts[2] == "index.html"
    }

    /// The page itself plus each distinct resource the browser fetches before the page is usable.
    static func pageWeight(_ page: String, references: [Reference], files: [String: Data]) -> Int {
        var total = transferSize(page, files[page]!)
        var counted: Set<String> = []
        for reference in references where reference.loadsBeforeInteraction {
            guard let target = reference.target, let data = files[target], counted.insert(target).inserted else { continue }
            total += transferSize(target, data)
        }
        return total
    }

    static func kb(_ bytes: Int) -> String { String(format: "%.1f KB", Double(bytes) / 1024) }
}
