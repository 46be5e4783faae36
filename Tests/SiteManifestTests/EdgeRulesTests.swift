import Testing
@testable import SiteManifest

@Suite struct EdgeRulesTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var path: String
        var contentType: String
        var hashed: Bool
        var cacheClass: CacheClass
        var testDescription: String { path }
    }

    static let cases: [Case] = [
        Case(path: "index.html", contentType: "text/html; charset=utf-8", hashed: false, cacheClass: .revalidate),
        Case(path: "drops/mugs/index.html", contentType: "text/html; charset=utf-8", hashed: false, cacheClass: .revalidate),
        Case(path: "drops/mugs/drop.ics", contentType: "text/calendar; charset=utf-8", hashed: false, cacheClass: .revalidate),
        Case(path: "feed.xml", contentType: "application/atom+xml; charset=utf-8", hashed: false, cacheClass: .revalidate),
        Case(path: "sitemap.xml", contentType: "application/xml; charset=utf-8", hashed: false, cacheClass: .revalidate),
        Case(path: "_redirects", contentType: "text/plain; charset=utf-8", hashed: false, cacheClass: .mutable),
        Case(path: "robots.txt", contentType: "text/plain; charset=utf-8", hashed: false, cacheClass: .mutable),
        Case(path: ".dropgen/inputs", contentType: "application/octet-stream", hashed: false, cacheClass: .revalidate),
        Case(path: "live.json", contentType: "application/json; charset=utf-8", hashed: false, cacheClass: .live),
        Case(path: "live/speckled-mugs.json", contentType: "application/json; charset=utf-8", hashed: false, cacheClass: .live),
        Case(path: "live/a/b.json", contentType: "application/json; charset=utf-8", hashed: false, cacheClass: .revalidate),
        Case(path: "live/.json", contentType: "application/octet-stream", hashed: false, cacheClass: .mutable),
        Case(path: "drops/live.json", contentType: "application/json; charset=utf-8", hashed: false, cacheClass: .revalidate),
        // The personal early-access pages, whatever their name says.
        Case(path: "access/Zk3_x-9QmT2vLp8aRc4NwYbE/index.html", contentType: "text/html; charset=utf-8", hashed: false, cacheClass: .private),
        Case(path: "access/x/app.0123abcd.css", contentType: "text/css; charset=utf-8", hashed: true, cacheClass: .private),
        Case(path: "access", contentType: "application/octet-stream", hashed: false, cacheClass: .mutable),
        Case(path: "drops/access/index.html", contentType: "text/html; charset=utf-8", hashed: false, cacheClass: .revalidate),
        Case(path: "css/site.0123abcd.css", contentType: "text/css; charset=utf-8", hashed: true, cacheClass: .immutable),
        Case(path: "media/hero.0123456789abcdef.MP4", contentType: "video/mp4", hashed: true, cacheClass: .immutable),
        Case(path: ".0123abcd.css", contentType: "text/css; charset=utf-8", hashed: true, cacheClass: .immutable),
        // Not a hash: too short, uppercase, not hex, empty, or the name has no stem.
        Case(path: "js/app.0123abc.js", contentType: "text/javascript; charset=utf-8", hashed: false, cacheClass: .mutable),
        Case(path: "js/app.0123ABCD.js", contentType: "text/javascript; charset=utf-8", hashed: false, cacheClass: .mutable),
        Case(path: "js/app.0123abcg.js", contentType: "text/javascript; charset=utf-8", hashed: false, cacheClass: .mutable),
        Case(path: "js/app..js", contentType: "text/javascript; charset=utf-8", hashed: false, cacheClass: .mutable),
        Case(path: "0123abcd.css", contentType: "text/css; charset=utf-8", hashed: false, cacheClass: .mutable),
        Case(path: "fonts.v2/Inter.WOFF2", contentType: "font/woff2", hashed: false, cacheClass: .mutable),
        Case(path: "Makefile", contentType: "application/octet-stream", hashed: false, cacheClass: .mutable),
        Case(path: ".htaccess", contentType: "application/octet-stream", hashed: false, cacheClass: .mutable),
    ]

    @Test(arguments: cases) func classifiesByName(_ expected: Case) {
        #expect(EdgeRules.contentType(for: expected.path) == expected.contentType)
        #expect(EdgeRules.isContentHashed(expected.path) == expected.hashed)
        #expect(EdgeRules.cacheClass(for: expected.path) == expected.cacheClass)
    }

    @Test func privateFilesAreKeptByNoCacheAndNotIndexed() {
        #expect(EdgeRules.cacheControl(for: .private) == "private, no-store")
        #expect(EdgeRules.extraHeaders(for: .private).map { "\($0.name): \($0.value)" } == ["X-Robots-Tag: noindex"])
        #expect(CacheClass.allCases.filter { $0 != .private }.allSatisfy { EdgeRules.extraHeaders(for: $0).isEmpty })
    }
}
