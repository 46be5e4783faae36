import Foundation
import SiteManifest
import Testing

@Suite struct EntryTests {
    /// Every field of an entry follows from its path and bytes: what the build, the preview and
    /// the tests all make entries with.
    @Test func entryFromPathAndBytes() {
        let page = BuildManifest.Entry(path: "drops/mugs/index.html", bytes: Data("abc".utf8))
        #expect(page.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(page.size == 3)
        #expect(page.contentType == "text/html; charset=utf-8")
        #expect(!page.hashed)
        #expect(page.cacheClass == .revalidate)
        let asset = BuildManifest.Entry(path: "css/site.0123abcd.css", bytes: Data())
        #expect(asset.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(asset.size == 0)
        #expect(asset.contentType == "text/css; charset=utf-8")
        #expect(asset.hashed)
        #expect(asset.cacheClass == .immutable)
        let robots = BuildManifest.Entry(path: "robots.txt", bytes: Data("User-agent: *\n".utf8))
        #expect(robots.cacheClass == .mutable)
        #expect(robots.contentType == "text/plain; charset=utf-8")
    }
}
