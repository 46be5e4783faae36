import Foundation
import SiteSource

/// `dropgen check`: what a build validates, then internal links and size budgets over the built
/// output. The checks are pure functions of the output files, so they are tested without a CLI.
public enum SiteCheck {
    public struct Violation: Codable, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Codable, Sendable { case link, budget }

        public var kind: Kind
        /// Output path of the page, e.g. `drops/mugs/index.html`.
        public var page: String
        /// The budget key (`page_kb_gzip`, …) for budget violations.
        public var budget: String?
        /// The URL as written in the page, for broken links.
        public var target: String?
        /// Measured bytes and the budget in bytes, for budget violations.
        public var actual: Int?
        public var limit: Int?
        public var message: String

        public init(kind: Kind, page: String, budget: String? = nil, target: String? = nil, actual: Int? = nil, limit: Int? = nil,
                    message: String) {
            self.kind = kind
            self.page = page
            self.budget = budget
            self.target = target
            self.actual = actual
            self.limit = limit
            self.message = message
        }

        /// `drops/mugs/index.html: page_kb_gzip: HTML is 15.2 KB gzipped …`
        public var description: String { "\(page): \(budget ?? "link"): \(message)" }
    }

    /// A hero clip's measured size against `hero_clip_kb`, reported whether or not it fits.
    public struct ClipSize: Codable, Sendable, Equatable, CustomStringConvertible {
        /// Output path, e.g. `media/hero.0123abcd4567ef89.mp4`.
        public var path: String
        /// The first page that shows it.
        public var page: String
        public var bytes: Int
        public var limit: Int

        /// `hero clip /media/hero.….mp4: 1.2 MB of the 2.0 MB budget (hero_clip_kb), on drops/mugs/index.html`
        public var description: String {
            "hero clip /\(path): \(SiteCheck.megabytes(bytes)) of the \(SiteCheck.megabytes(limit)) budget (hero_clip_kb), on \(page)"
        }
    }

    public struct Report: Encodable, Sendable {
        public var pages: Int
        public var links: Int
        public var budgets: Budgets
        /// Every hero clip's size, sorted by path.
        public var clips: [ClipSize] = []
        public var violations: [Violation]
        public var passed: Bool { violations.isEmpty }

        enum CodingKeys: String, CodingKey { case pages, links, budgets, clips, violations, passed }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pages, forKey: .pages)
            try container.encode(links, forKey: .links)
            try container.encode(budgets, forKey: .budgets)
            try container.encode(clips, forKey: .clips)
            try container.encode(violations, forKey: .violations)
            try container.encode(passed, forKey: .passed)
        }
    }

    /// Checks built output given as output path → bytes (pages, assets and media alike).
    public static func check(files: [String: Data], budgets: Budgets) -> Report {
        var pages: [String: [Reference]] = [:]
        for (path, data) in files where path.hasSuffix(".html") { pages[path] = references(in: data) }
        let (links, linkViolations) = checkLinks(files, pages: pages)
        let budgetViolations = checkBudgets(files, pages: pages, budgets: budgets)
        return Report(pages: pages.count, links: links, budgets: budgets, clips: clipSizes(files, pages: pages, budgets: budgets),
                      violations: linkViolations + budgetViolations)
    }

    public static func check(_ tree: OutputTree, budgets: Budgets) -> Report {
        check(files: tree.files, budgets: budgets)
    }

    /// Checks a built folder such as `public/`.
    public static func check(folder: URL, budgets: Budgets) throws -> Report {
        var files: [String: Data] = [:]
        for path in StaticFiles.walk(folder) {
            files[path] = try Data(contentsOf: folder.appendingPathComponent(path), options: .mappedIfSafe)
        }
        return check(files: files, budgets: budgets)
    }

    /// Builds the site into a temporary folder (the site's `public/` is never touched), then checks
    /// the result against the budgets of its dropgen.yaml. Content errors throw `BuildFailed`.
    public static func run(siteRoot: URL, now: Date, progress: (@Sendable (SiteBuild.Progress) -> Void)? = nil) async throws
        -> (build: SiteBuild.Report, check: Report) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("public")
        let build = try await SiteBuild.run(SiteBuild.Options(siteRoot: siteRoot, output: output, now: now, progress: progress)).report
        progress?(.stage("Checking links and budgets"))
        var log = DiagnosticLog()
        // The build already validated dropgen.yaml, budgets included, so this cannot fail now.
        guard let config = SiteConfig.load(root: siteRoot.standardizedFileURL, log: &log) else { throw BuildFailed(log) }
        return (build, try check(folder: output, budgets: config.budgets))
    }
}
