import Foundation
import Testing
@testable import SiteBuilder

/// The files `init` and `new drop` write are resources with `@name@` placeholders: each one is
/// filled, in one pass, and nothing else in them changes.
@Suite struct ScaffoldFilesTests {
    @Test(arguments: [
        ("@a@", ["a": "x"], "x"),
        ("opens: @opens@\n", ["opens": "2026-12-11T18:00:00+01:00"], "opens: 2026-12-11T18:00:00+01:00\n"),
        ("@a@@b@", ["a": "x", "b": "y"], "xy"),
        // A value is never searched for placeholders itself.
        ("title: @title@ at @opens@", ["title": "\"@opens@\"", "opens": "6"], "title: \"@opens@\" at 6"),
        // Any other `@` stays: a GitHub action's version, a lone or a doubled @, an unknown name.
        ("uses: actions/checkout@v4\nuses: actions/cache@v4", ["v4": "no"], "uses: actions/checkout@v4\nuses: actions/cache@v4"),
        ("a @ b @@ c @unknown@ @", ["a": "no"], "a @ b @@ c @unknown@ @"),
        ("@a@b@", ["b": "y"], "@ay"),
        ("", ["a": "x"], ""),
    ])
    func fill(_ template: String, _ values: [String: String], _ filled: String) {
        #expect(ScaffoldFiles.fill(template, values) == filled)
    }

    static var placeholder: Regex<Substring> { /@[a-z_]+@/ }

    /// Every placeholder the resources hold is one the code fills, and every value it fills is used.
    @Test func everyPlaceholderIsFilled() throws {
        let site = try ScaffoldFiles.site([:])
        #expect(Set(site.values.flatMap { $0.matches(of: Self.placeholder).map { String($0.output) } })
                == ["@timezone@", "@opens@", "@closes@"])
        let drop = try ScaffoldFiles.text("new-drop.md", [:])
        #expect(Set(drop.matches(of: Self.placeholder).map { String($0.output) })
                == ["@title@", "@creator@", "@slug@", "@currency@", "@opens@", "@closes@", "@early_opens@",
                    "@pickup_starts@", "@pickup_ends@", "@policy_line@"])

        let written = try Scaffold.siteFiles(now: Fixture.now, timeZone: TimeZone(identifier: "Europe/Berlin")!)
        for (path, text) in written { #expect(text.firstMatch(of: Self.placeholder) == nil, "\(path)") }
        let text = try Scaffold.dropFile(title: "@slug@", slug: "s", creator: "c", policy: nil, currency: "EUR", opens: "o",
                                         closes: "c", earlyOpens: "e", pickupStarts: "ps", pickupEnds: "pe")
        #expect(text.hasPrefix("---\n# Required: the product's name, shown as the page title.\ntitle: \"@slug@\"\n"))
        #expect(text.contains("\n# policy: standard\n"))
        let filledLines = text.split(separator: "\n").filter { $0.firstMatch(of: Self.placeholder) != nil }
        #expect(filledLines == ["title: \"@slug@\""])
    }

    /// `.gitignore` is stored as `gitignore` (in the source tree it would apply to the folder).
    @Test func gitignoreIsWrittenWithItsDot() throws {
        let written = try Scaffold.siteFiles(now: Fixture.now, timeZone: TimeZone(identifier: "UTC")!)
        #expect(written[".gitignore"] == "public/\n.dropgen-cache/\n.edge/\n.dropgen-live/\nreports/\n")
        #expect(written["gitignore"] == nil)
        #expect(written["dropgen.yaml"]?.contains("\ntimezone: UTC\n") == true)
    }
}
