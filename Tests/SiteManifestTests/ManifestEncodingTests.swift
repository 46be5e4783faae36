import Foundation
import Testing
@testable import SiteManifest

@Suite struct ManifestEncodingTests {
    static func standard(_ manifest: BuildManifest) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(manifest) + Data("\n".utf8)
    }

    static let cases: [[BuildManifest.Entry]] = [
        [BuildManifest.Entry(path: "index.html", sha256: String(repeating: "a", count: 64), size: 4097,
                             contentType: "text/html; charset=utf-8", hashed: false, cacheClass: .revalidate)],
        [BuildManifest.Entry(path: "media/clip.0123456789.mp4", sha256: String(repeating: "b", count: 64), size: 0,
                             contentType: "video/mp4", hashed: true, cacheClass: .immutable),
         BuildManifest.Entry(path: "robots.txt", sha256: String(repeating: "c", count: 64), size: 9_999_999_999,
                             contentType: "text/plain; charset=utf-8", hashed: false, cacheClass: .mutable)],
        // Quotes, backslashes and non-ASCII go through the encoder's own escaping.
        [BuildManifest.Entry(path: "drops/caf\u{e9} \"x\"\\/index.html", sha256: String(repeating: "d", count: 64), size: 1,
                             contentType: "text/html; charset=utf-8", hashed: false, cacheClass: .revalidate)],
        [],
    ]

    @Test(arguments: cases) func directEncodingEqualsJSONEncoder(_ files: [BuildManifest.Entry]) throws {
        let manifest = BuildManifest(files: files)
        #expect(try manifest.encoded() == (try Self.standard(manifest)))
        #expect(try BuildManifest.decode(try manifest.encoded()) == manifest)
    }

    @Test func plainManifestsTakeTheDirectPath() {
        #expect(BuildManifest(files: Self.cases[1]).fastEncoded() != nil)
        #expect(BuildManifest(files: Self.cases[2]).fastEncoded() == nil)
    }
}
