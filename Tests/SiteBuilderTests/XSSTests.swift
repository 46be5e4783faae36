import Foundation
import Testing
@testable import SiteBuilder

/// Hostile text in every field a creator controls must come out inert in every output.
@Suite struct XSSTests {
    static let probe = "<script>alert(1)</script>"

    @Test func hostileTextIsEscapedEverywhere() async throws {
        let fixture = try Fixture.site([
            "content/drops/mugs.md": Fixture.drop(title: "'\"Mugs\" \(Self.probe)'", body: """
                Hello <script>alert(2)</script> <img src=x onerror=alert(3)>

                [click](javascript:alert(4)) <a href="javascript:alert(5)">x</a>

                <iframe src="https://evil.example"></iframe>
                """),
            "content/creators/mara.md": "---\nname: \"Mara\\\"><img src=x onerror=alert(6)>\"\n---\nBio <script>alert(7)</script>\n",
        ])
        try await fixture.build()
        let html = try fixture.read("public/drops/mugs/index.html")
        for needle in ["<script>alert", " onerror=alert(3)", "javascript:", "<iframe", "<img src=x"] {
            #expect(!html.contains(needle), "drop page contains \(needle)")
        }
        #expect(html.contains("<h1>&quot;Mugs&quot; &lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
        #expect(html.contains("\"name\":\"\\\"Mugs\\\" \\u003cscript\\u003ealert(1)\\u003c/script\\u003e\""))
        #expect(html.contains("Mara&quot;&gt;&lt;img src=x onerror=alert(6)&gt;</a>"))
        let creator = try fixture.read("public/creators/mara/index.html")
        #expect(!creator.contains("<img src=x") && !creator.contains("<script>alert"))

        let feed = try fixture.read("public/feed.xml")
        #expect(feed.contains("<title>&quot;Mugs&quot; &lt;script&gt;alert(1)&lt;/script&gt;</title>"))
        #expect(!feed.contains("<script>"))
        let catalogData = Data(try fixture.read("public/catalog.json").utf8)
        let catalog = try JSONSerialization.jsonObject(with: catalogData) as! [String: Any]
        #expect((catalog["drops"] as! [[String: Any]])[0]["title"] as? String == "\"Mugs\" \(Self.probe)")
        for page in ["public/index.html", "public/drops/index.html", "public/tags/ceramics/index.html"] {
            #expect(!(try fixture.read(page)).contains("<script>alert"), "\(page) is not escaped")
        }
    }

    @Test func linksMustBeHTTP() async throws {
        let fixture = try Fixture.site(["content/drops/mugs.md": Fixture.drop().replacingOccurrences(
            of: "buy_url: https://shop.example/mugs", with: "buy_url: javascript:alert(1)")])
        let errors = try await fixture.errors()
        #expect(errors == [
            "content/drops/mugs.md:13:10: buy_url: expected an absolute https:// URL, got \"javascript:alert(1)\"",
        ], "got \(errors)")
    }
}
