import Foundation
import Testing
@testable import Publisher
@testable import SiteManifest

@Suite("DeployPlan")
struct DeployPlanTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let config = PublishConfig(retain: 2, grace: 3600, siteRoot: URL(fileURLWithPath: "/tmp"))

    static func entry(_ path: String, _ sha: String, size: Int = 10) -> BuildManifest.Entry {
        BuildManifest.Entry(path: path, sha256: sha, size: size, contentType: EdgeRules.contentType(for: path),
                            hashed: EdgeRules.isContentHashed(path), cacheClass: EdgeRules.cacheClass(for: path))
    }

    static func file(_ path: String, _ sha: String, size: Int = 10, cache: String? = nil) -> DeployRecord.File {
        let hashed = EdgeRules.isContentHashed(path)
        return DeployRecord.File(path: path, sha256: sha, size: size, contentType: EdgeRules.contentType(for: path),
                                 cacheControl: cache ?? (hashed ? EdgeRules.immutableCacheControl : EdgeRules.defaultRevalidateCacheControl),
                                 hashed: hashed)
    }

    static func remote(_ key: String, size: Int = 10, age: TimeInterval = 7200, sha: String? = nil,
                       cache: String? = nil) -> RemoteObject {
        RemoteObject(key: key, size: size, lastModified: now.addingTimeInterval(-age),
                     contentType: sha == nil ? nil : EdgeRules.contentType(for: key), cacheControl: cache, sha256: sha)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var local: [BuildManifest.Entry]
        var live: [DeployRecord.File]?
        var remote: [RemoteObject]
        var expected: [String: DeployPlan.Reason]  // key → reason for site files (objects/records left out)
        var kept: [String]
        var testDescription: String { name }
    }

    static let css = "assets/app.0123abcd.css"
    static let cases: [Case] = [
        Case(name: "first deploy: everything new",
             local: [entry("index.html", "h1"), entry(css, "c1")], live: nil, remote: [],
             expected: ["index.html": .new, css: .new], kept: []),
        Case(name: "unchanged: nothing to send",
             local: [entry("index.html", "h1"), entry(css, "c1")],
             live: [file("index.html", "h1"), file(css, "c1")],
             remote: [remote("index.html"), remote(css), remote(".dropgen/objects/h1")],
             expected: [:], kept: ["assets/app.0123abcd.css", "index.html"]),
        Case(name: "content changed",
             local: [entry("index.html", "h2"), entry(css, "c1")],
             live: [file("index.html", "h1"), file(css, "c1")],
             remote: [remote("index.html"), remote(css), remote(".dropgen/objects/h1")],
             expected: ["index.html": .contentChanged], kept: [css]),
        Case(name: "header-only change (Cache-Control in config)",
             local: [entry("index.html", "h1")],
             live: [file("index.html", "h1", cache: "public, max-age=60")],
             remote: [remote("index.html"), remote(".dropgen/objects/h1")],
             expected: ["index.html": .headersChanged], kept: []),
        Case(name: "deleted behind our back: sent again",
             local: [entry("index.html", "h1"), entry(css, "c1")],
             live: [file("index.html", "h1"), file(css, "c1")],
             remote: [remote(".dropgen/objects/h1")],
             expected: ["index.html": .missing, css: .missing], kept: []),
        Case(name: "landed by an interrupted deploy (HEAD knows): not sent twice",
             local: [entry("index.html", "h2")],
             live: [file("index.html", "h1")],
             remote: [remote("index.html", sha: "h2", cache: EdgeRules.defaultRevalidateCacheControl),
                      remote(".dropgen/objects/h2")],
             expected: [:], kept: ["index.html"]),
        Case(name: "hashed asset already on the target without a live deploy",
             local: [entry(css, "c1")], live: nil, remote: [remote(css)],
             expected: [:], kept: [css]),
        Case(name: "reserved .dropgen paths of the build are never published",
             local: [entry(".dropgen/manifest.json", "m"), entry("index.html", "h1")], live: nil, remote: [],
             expected: ["index.html": .new], kept: []),
    ]

    @Test(arguments: cases)
    func reasons(_ c: Case) throws {
        let live = c.live.map { DeployRecord(id: "20260101T000000Z-aaaaaaaa", createdAt: "", manifestSHA256: "m", files: $0) }
        let pointer = live.map { LivePointer(id: $0.id, history: [], updatedAt: "") }
        var remote = Dictionary(uniqueKeysWithValues: c.remote.map { ($0.key, $0) })
        if let live {
            remote[live.key] = Self.remote(live.key)
            remote[LivePointer.key] = Self.remote(LivePointer.key)
        }
        let plan = DeployPlan.make(local: BuildManifest(files: c.local), live: live, pointer: pointer, remote: remote,
                                   retained: live.map { [$0] } ?? [], config: Self.config, now: Self.now)
        var reasons: [String: DeployPlan.Reason] = [:]
        for upload in plan.uploads where !upload.key.hasPrefix(".dropgen/") { reasons[upload.key] = upload.reason }
        #expect(reasons == c.expected)
        #expect(plan.kept == c.kept)
        if c.name.hasPrefix("unchanged") { #expect(plan.isUpToDate && plan.uploads.isEmpty) }
        #expect(!plan.uploads.contains { $0.key == ".dropgen/manifest.json" })
    }

    @Test func ordersGroupsAndMarksCreateOnly() throws {
        let local = BuildManifest(files: [Self.entry("index.html", "h1"), Self.entry(Self.css, "c1"),
                                          Self.entry("robots.txt", "r1"), Self.entry("feed.xml", "f1"),
                                          Self.entry("media/hero.0123456789.webp", "w1")])
        let plan = DeployPlan.make(local: local, live: nil, pointer: nil, remote: [:], retained: [], config: Self.config, now: Self.now)
        #expect(plan.uploads.map(\.group) == plan.uploads.map(\.group).sorted())
        #expect(plan.uploads.map(\.key) == [
            Self.css, "media/hero.0123456789.webp",
            ".dropgen/objects/f1", ".dropgen/objects/h1", ".dropgen/objects/r1",
            "robots.txt",
            "feed.xml", "index.html",
            ".dropgen/deploys/20261118T110640Z-\(try #require(plan.record?.manifestSHA256.prefix(8))).json",
            ".dropgen/live.json",
        ])
        #expect(plan.uploads.filter(\.createOnly).map(\.key) == [
            Self.css, "media/hero.0123456789.webp", ".dropgen/objects/f1", ".dropgen/objects/h1", ".dropgen/objects/r1",
        ])
        #expect(plan.uploads.first { $0.key == Self.css }?.headers.cacheControl == EdgeRules.immutableCacheControl)
        #expect(plan.uploads.first { $0.key == "index.html" }?.headers.cacheControl == EdgeRules.defaultRevalidateCacheControl)
        #expect(plan.record?.id.hasPrefix("20261118T110640Z-") == true)
        #expect(plan.pointer?.id == plan.record?.id)
    }

    @Test func pruneRespectsWindowAndGrace() {
        let old = DeployRecord(id: "20260101T000000Z-00000001", createdAt: "", manifestSHA256: "1",
                               files: [Self.file("index.html", "h0"), Self.file("assets/app.00000000aa.css", "c0")])
        let live = DeployRecord(id: "20260102T000000Z-00000002", createdAt: "", manifestSHA256: "2",
                                files: [Self.file("index.html", "h1"), Self.file("assets/app.11111111aa.css", "c1")])
        let pointer = LivePointer(id: live.id, history: [old.id], updatedAt: "")
        let local = BuildManifest(files: [Self.entry("index.html", "h2"), Self.entry("assets/app.22222222aa.css", "c2")])
        let remote: [RemoteObject] = [
            Self.remote("index.html"), Self.remote(LivePointer.key),
            Self.remote(old.key), Self.remote(live.key),
            Self.remote("assets/app.00000000aa.css"), Self.remote("assets/app.11111111aa.css"),
            Self.remote(".dropgen/objects/h0"), Self.remote(".dropgen/objects/h1"),
            // Unreferenced and named by no record: not dropgen's, never pruned or held back, young or old.
            Self.remote("stray.txt", age: 60), Self.remote("notes.txt", age: 30 * 86400),
        ]
        let byKey = Dictionary(uniqueKeysWithValues: remote.map { ($0.key, $0) })

        // retain 2: the new deploy and the live one stay; the older one goes (old enough).
        let plan = DeployPlan.make(local: local, live: live, pointer: pointer, remote: byKey, retained: [live, old],
                                   config: Self.config, now: Self.now)
        #expect(plan.prune.map(\.key) == [".dropgen/deploys/20260101T000000Z-00000001.json", ".dropgen/objects/h0",
                                          "assets/app.00000000aa.css"])
        #expect(plan.heldBack.isEmpty)

        // retain 3: all three deploys are retained, nothing is pruned.
        var wide = Self.config
        wide.retain = 3
        let keepAll = DeployPlan.make(local: local, live: live, pointer: pointer, remote: byKey, retained: [live, old],
                                      config: wide, now: Self.now)
        #expect(keepAll.prune.isEmpty)

        // A long grace keeps everything unreferenced for later.
        var patient = Self.config
        patient.grace = 30 * 86400
        let later = DeployPlan.make(local: local, live: live, pointer: pointer, remote: byKey, retained: [live, old],
                                    config: patient, now: Self.now)
        #expect(later.prune.isEmpty)
        #expect(later.heldBack.count == 3)

        // A record outside the window (an interrupted deploy's) makes what it names ours to prune.
        let orphaned = DeployPlan.make(local: local, live: live, pointer: pointer, remote: byKey, retained: [live],
                                       named: ["stray.txt"], config: Self.config, now: Self.now)
        #expect(orphaned.heldBack == ["stray.txt"])
        #expect(!orphaned.prune.contains { $0.key == "notes.txt" })
    }

    @Test func deployIDsSortByTime() {
        let a = DeployRecord.makeID(now: Date(timeIntervalSince1970: 1_795_000_000), manifestSHA256: "ffffffffee")
        let b = DeployRecord.makeID(now: Date(timeIntervalSince1970: 1_795_000_060), manifestSHA256: "00000000ee")
        #expect(a == "20261118T110640Z-ffffffff")
        #expect(a < b)
    }

    @Test func pointerHistory() {
        let p = LivePointer(id: "b", history: ["a"], updatedAt: "")
        let q = p.moving(to: "c", at: Self.now)
        #expect(q.id == "c")
        #expect(q.history == ["b", "a"])
        #expect(q.moving(to: "a", at: Self.now).history == ["c", "b"])
        #expect(q.retainedIDs(retain: 2) == ["c", "b"])
    }

    @Test func retryPolicy() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: 0.5, maxDelay: 4, maxRetryAfter: 10)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, random: 0) == 0.25)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, random: 1) == 0.5)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, random: 1) == 2)
        #expect(policy.delay(afterAttempt: 9, retryAfter: nil, random: 1) == 4)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 3, random: 0) == 3)
        #expect(policy.delay(afterAttempt: 1, retryAfter: 300, random: 0) == 10)
        #expect(RetryPolicy.isRetryable(status: 503, code: "SlowDown"))
        #expect(RetryPolicy.isRetryable(status: 429, code: nil))
        #expect(RetryPolicy.isRetryable(status: 400, code: "RequestTimeout"))
        #expect(!RetryPolicy.isRetryable(status: 403, code: "SignatureDoesNotMatch"))
        #expect(!RetryPolicy.isRetryable(status: 404, code: "NoSuchKey"))
        #expect(RetryPolicy.parseRetryAfter("2") == 2)
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == 10)
    }

    @Test func listingXML() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Name>site</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
          <Contents><Key>p/a &amp; b.html</Key><LastModified>2026-11-29T00:33:40.000Z</LastModified>
            <ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>
          <Contents><Key>p/c.css</Key><LastModified>2026-11-29T00:33:41Z</LastModified><ETag>"x"</ETag><Size>12</Size></Contents>
          <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
        </ListBucketResult>
        """
        let page = try ListBucketResult.parse(Data(xml.utf8))
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        #expect(page.contents.map(\.key) == ["p/a & b.html", "p/c.css"])
        #expect(page.contents.first?.etag == "5d41402abc4b2a76b9719d911017c592")
        #expect(page.contents.first?.size == 5)
        #expect(page.contents.first?.lastModified == Date(timeIntervalSince1970: 1_795_912_420))
        #expect(page.contents.last?.lastModified == Date(timeIntervalSince1970: 1_795_912_421))
        let error = S3ErrorBody.parse(Data("<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>".utf8))
        #expect(error == S3ErrorBody(code: "SignatureDoesNotMatch", message: "no"))
    }

    /// Bytes that are not UTF-8 anywhere in an answer (in a tag name they made FoundationXML trap;
    /// found by fuzzing, Fuzz/Corpus/s3-xml/regression-tag-not-utf8) are an unreadable answer.
    @Test(arguments: [
        [UInt8]("<ListBucketResult><Contents><Key".utf8) + [0xCA, 0xCA] + [UInt8]("></Key></Contents></ListBucketResult>".utf8),
        [UInt8]("<Error><Code>Si<ListBuck".utf8) + [0xCA, 0xCA, 0xCA, 0xCA] + [UInt8]("sult>/Code></Error>".utf8),
        [UInt8]("<ListBucketResult><Contents><Key>a".utf8) + [0xFF] + [UInt8]("</Key></Contents></ListBucketResult>".utf8),
        [UInt8]("<ListBucketResult><Contents><Key>".utf8) + [0xED, 0xA0, 0x80] + [UInt8]("</Key></Contents></ListBucketResult>".utf8),
    ])
    func xmlThatIsNotUTF8IsUnreadable(_ bytes: [UInt8]) {
        #expect(S3ErrorBody.parse(Data(bytes)) == nil)
        #expect {
            _ = try ListBucketResult.parse(Data(bytes))
        } throws: { error in
            "\(error)" == "XML '' at S3 failed: HTTP 200: unreadable XML: not UTF-8"
        }
    }

    /// Processing instructions, which FoundationXML crashed on when they carry no data (found by
    /// fuzzing, Fuzz/Corpus/s3-xml/regression-declaration-without-version); the declaration is fine.
    @Test(arguments: [
        ("<?xml?>\n<Error><Code>x</Code></Error>", "an XML declaration without a version"),
        ("<?x?><Error><Code>x</Code></Error>", "an XML declaration without a version"),
        ("<Error><?pi?><Code>x</Code></Error>", "a processing instruction"),
        ("<?xml version=\"1.0\"?><Error><Code>x</Code><?php echo 1 ?></Error>", "a processing instruction"),
    ])
    func processingInstructionsAreUnreadable(_ xml: String, _ problem: String) {
        #expect(S3ErrorBody.parse(Data(xml.utf8)) == nil)
        #expect {
            _ = try ListBucketResult.parse(Data(xml.utf8))
        } throws: { error in
            "\(error)" == "XML '' at S3 failed: HTTP 200: unreadable XML: \(problem)"
        }
        let declared = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>x</Code></Error>"
        #expect(S3ErrorBody.parse(Data(declared.utf8)) == S3ErrorBody(code: "x", message: nil))
    }

    @Test func purgeURLs() {
        #expect(PurgeHook.publicURL(for: "drops/a/index.html", baseURL: "https://shop.example/") == "https://shop.example/drops/a/")
        #expect(PurgeHook.publicURL(for: "index.html", baseURL: "https://shop.example") == "https://shop.example/")
        #expect(PurgeHook.publicURL(for: "feed.xml", baseURL: nil) == "/feed.xml")
    }
}
