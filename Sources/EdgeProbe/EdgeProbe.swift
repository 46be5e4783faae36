import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// `dropgen probe`: the live site as a shopper's phone reaches it. The home page, the first few
/// product pages it links to, and every hero clip and poster those pages name, each requested
/// `samples` times on a fresh connection, one request at a time: a measurement, never a load test.
public enum EdgeProbe {
    public struct Options: Sendable {
        public var base: ProbeURL
        /// Requests per object, 1...20.
        public var samples = 5
        /// Product pages followed from the home page.
        public var productPages = 3
        /// Hero clips and posters probed at most.
        public var maxMedia = 12
        /// Seconds one request may take, connection included.
        public var requestTimeout: Double = 10
        /// Seconds the whole probe may take; requests not started by then are skipped (and said so).
        public var deadline: Double = 120
        /// Hero clips' and posters' p95 first byte may not exceed this.
        public var heroFirstByteBudgetMs: Double = 120
        public var headerRules = HeaderRules()
        /// Body bytes read of one response: a clip longer than this is cut off there.
        public var readCap = 8 * 1024 * 1024
        /// A bucket probed directly (`/bucket/prefix`): root-relative links are under it, and a
        /// folder's page is its `index.html` key, as a CDN in front of the bucket would map them.
        public var bucketRoot: String?

        public init(base: ProbeURL) { self.base = base }

        public static let samplesRange = 1...20
    }

    /// What is probed: pages and hero media (media with `Range: bytes=0-`, as a video element asks).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case home, product
        case heroClip = "hero_clip"
        case poster

        var isMedia: Bool { self == .heroClip || self == .poster }
    }

    public struct Sample: Sendable, Codable, Equatable {
        public var status: Int
        public var timings: Timings?
        public var bytes: Int
        /// `age: 12; cf-cache-status: HIT`: the CDN's cache headers, as received.
        public var cache: String
        public var error: String?
    }

    public struct Object: Sendable, Codable {
        public var kind: Kind
        public var url: String
        public var path: String
        public var cacheControl: String?
        public var expectedCacheControl: String
        public var samples: [Sample]
        public var problems: [String]

        enum CodingKeys: String, CodingKey {
            case kind, url, path, samples, problems
            case cacheControl = "cache_control", expectedCacheControl = "expected_cache_control"
        }
    }

    public struct KindSummary: Sendable, Codable, Equatable {
        public var kind: Kind
        public var objects: Int
        public var requests: Int
        public var failed: Int
        public var firstByteP50Ms: Double?
        public var firstByteP95Ms: Double?
        public var totalP50Ms: Double?
        public var totalP95Ms: Double?
        public var dnsP50Ms: Double?
        public var connectP50Ms: Double?
        public var tlsP50Ms: Double?

        enum CodingKeys: String, CodingKey {
            case kind, objects, requests, failed
            case firstByteP50Ms = "first_byte_p50_ms", firstByteP95Ms = "first_byte_p95_ms", totalP50Ms = "total_p50_ms"
            case totalP95Ms = "total_p95_ms", dnsP50Ms = "dns_p50_ms", connectP50Ms = "connect_p50_ms", tlsP50Ms = "tls_p50_ms"
        }
    }

    public struct Report: Sendable, Encodable {
        public var base: String
        public var probedAt: String
        public var samples: Int
        public var heroFirstByteBudgetMs: Double
        public var objects: [Object]
        public var kinds: [KindSummary]
        public var problems: [String]
        /// What the probe left out by its bounds (not a failure).
        public var notes: [String]
        public var requests: Int
        public var passed: Bool { problems.isEmpty }

        enum CodingKeys: String, CodingKey {
            case base, samples, objects, kinds, problems, notes, requests, passed
            case probedAt = "probed_at", heroFirstByteBudgetMs = "hero_first_byte_budget_ms"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(base, forKey: .base)
            try container.encode(probedAt, forKey: .probedAt)
            try container.encode(samples, forKey: .samples)
            try container.encode(heroFirstByteBudgetMs, forKey: .heroFirstByteBudgetMs)
            try container.encode(objects, forKey: .objects)
            try container.encode(kinds, forKey: .kinds)
            try container.encode(problems, forKey: .problems)
            try container.encode(notes, forKey: .notes)
            try container.encode(requests, forKey: .requests)
            try container.encode(passed, forKey: .passed)
        }
    }

    static let cacheHeaders = ["age", "x-cache", "cf-cache-status", "server-timing"]

    /// Runs the probe; network failures are the report's problems, not thrown. `probedAt` is the
    /// time the rows of `data/probes.csv` are stamped with.
    public static func run(_ options: Options, probedAt: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton)
        async throws -> Report {
        let tls = try NIOSSLContext(configuration: .makeClientConfiguration())
        let started = ContinuousClock.now
        var requests = 0
        var stoppedEarly = false
        var problems: [String] = [], notes: [String] = []

        /// The site's own path of a URL (a bucket's root and index key taken off).
        func sitePath(_ url: ProbeURL) -> String {
            guard let root = options.bucketRoot, url.path.hasPrefix(root + "/") else { return url.path }
            let path = String(url.path.dropFirst(root.count))
            return path.hasSuffix("/index.html") ? String(path.dropLast(10)) : path
        }
        func locate(_ reference: String) -> ProbeURL? {
            guard let root = options.bucketRoot, reference.hasPrefix("/"), !reference.hasPrefix("//") else {
                return options.base.resolving(reference)
            }
            return options.base.resolving(root + reference + (reference.hasSuffix("/") ? "index.html" : ""))
        }

        func probe(_ url: ProbeURL, kind: Kind, keepBody: Bool) async -> (Object, [UInt8]) {
            let path = sitePath(url)
            let (_, expected) = options.headerRules.expected(forPath: path)
            var object = Object(kind: kind, url: url.description, path: path, cacheControl: nil,
                                expectedCacheControl: expected, samples: [], problems: [])
            var body: [UInt8] = []
            for index in 0..<options.samples {
                if ContinuousClock.now - started > .seconds(options.deadline) {
                    stoppedEarly = true
                    break
                }
                requests += 1
                let request = TimedRequest(url: url, range: kind.isMedia, keepBody: keepBody && index == 0 ? 2 * 1024 * 1024 : 0,
                                           readCap: kind.isMedia ? options.readCap : 2 * 1024 * 1024, timeout: options.requestTimeout)
                do {
                    let response = try await request.run(group: group, tls: url.isHTTPS ? tls : nil)
                    if index == 0 { body = response.body }
                    let cache = cacheHeaders.compactMap { name in response.header(name).map { "\(name): \($0)" } }.joined(separator: "; ")
                    object.samples.append(Sample(status: response.status, timings: response.timings, bytes: response.bytes, cache: cache))
                    if object.cacheControl == nil { object.cacheControl = response.header("cache-control") }
                    let expectedStatus = kind.isMedia ? [200, 206] : [200]
                    if !expectedStatus.contains(response.status) {
                        object.problems.appendOnce("\(path): status \(response.status)")
                    }
                    if index == 0, let problem = options.headerRules.problem(path: path, cacheControl: response.header("cache-control")) {
                        object.problems.append(problem)
                    }
                } catch {
                    let text = ProbeText.clean("\(error)")
                    object.samples.append(Sample(status: 0, timings: nil, bytes: 0, cache: "", error: text))
                    object.problems.appendOnce("\(path): \(text)")
                }
            }
            return (object, body)
        }

        var objects: [Object] = []
        let (home, homeBody) = await probe(options.base, kind: .home, keepBody: true)
        objects.append(home)
        var references = PageReferences.scan(String(decoding: homeBody, as: UTF8.self))
        var pages: [ProbeURL] = []
        for link in references.productPages {
            guard pages.count < options.productPages, let url = locate(link), !pages.contains(url) else { continue }
            pages.append(url)
        }
        for page in pages {
            let (object, body) = await probe(page, kind: .product, keepBody: true)
            objects.append(object)
            let found = PageReferences.scan(String(decoding: body, as: UTF8.self))
            for clip in found.heroClips { references.heroClips.appendOnce(clip) }
            for poster in found.posters { references.posters.appendOnce(poster) }
        }
        var media: [(ProbeURL, Kind)] = []
        for (list, kind) in [(references.heroClips, Kind.heroClip), (references.posters, .poster)] {
            for reference in list {
                guard let url = locate(reference), !media.contains(where: { $0.0 == url }) else { continue }
                media.append((url, kind))
            }
        }
        if media.count > options.maxMedia {
            notes.append("\(media.count) hero clips and posters referenced; probed the first \(options.maxMedia)")
            media = Array(media.prefix(options.maxMedia))
        }
        for (url, kind) in media { objects.append(await probe(url, kind: kind, keepBody: false).0) }

        let kinds = Kind.allCases.compactMap { kind in summary(kind, objects.filter { $0.kind == kind }) }
        for object in objects { problems += object.problems }
        for summary in kinds where summary.kind.isMedia {
            if let p95 = summary.firstByteP95Ms, p95 > options.heroFirstByteBudgetMs {
                problems.append("\(summary.kind.rawValue): p95 first byte \(format(p95)) ms is over budgets.hero_first_byte_ms "
                                + "(\(format(options.heroFirstByteBudgetMs)) ms)")
            }
        }
        if stoppedEarly {
            problems.append("stopped at the \(Int(options.deadline)) s deadline after \(requests) requests; later requests were not made")
        }
        return Report(base: options.base.description, probedAt: probedAt, samples: options.samples,
                      heroFirstByteBudgetMs: options.heroFirstByteBudgetMs, objects: objects, kinds: kinds,
                      problems: problems, notes: notes, requests: requests)
    }

    static func summary(_ kind: Kind, _ objects: [Object]) -> KindSummary? {
        guard !objects.isEmpty else { return nil }
        let timings = objects.flatMap(\.samples).compactMap(\.timings)
        let failed = objects.flatMap(\.samples).filter { $0.timings == nil }.count
        func p(_ key: KeyPath<Timings, Double>, _ percentile: Double) -> Double? {
            Percentile.of(timings.map { $0[keyPath: key] }, percentile).map(round1)
        }
        return KindSummary(kind: kind, objects: objects.count, requests: timings.count + failed, failed: failed,
                           firstByteP50Ms: p(\.firstByteMs, 50), firstByteP95Ms: p(\.firstByteMs, 95),
                           totalP50Ms: p(\.totalMs, 50), totalP95Ms: p(\.totalMs, 95), dnsP50Ms: p(\.dnsMs, 50),
                           connectP50Ms: p(\.connectMs, 50), tlsP50Ms: p(\.tlsMs, 50))
    }

    static func round1(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    public static func format(_ ms: Double) -> String { String(format: "%.1f", ms) }
}
