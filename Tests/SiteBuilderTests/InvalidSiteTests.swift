import Foundation
import Testing
@testable import SiteBuilder

/// Each bad input gives one exact message naming file, line, column and key, and the build fails.
@Suite struct InvalidSiteTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var files: [String: String?]
        var expected: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "YAML syntax error", files: ["content/drops/mugs.md": "---\ntitle: [unclosed\ncreator: mara\n---\n"],
             expected: ["content/drops/mugs.md:3:8: invalid YAML: while parsing a flow sequence: did not find expected ',' or ']'"]),
        Case(name: "unclosed front matter", files: ["content/drops/mugs.md": "---\ntitle: Mugs\ncreator: mara\n"],
             expected: ["content/drops/mugs.md:1: front matter is not closed: add a line `---` after the last key"]),
        Case(name: "missing front matter", files: ["content/drops/mugs.md": "Just text\n"],
             expected: ["content/drops/mugs.md:1: missing front matter: the file must start with a line `---`"]),
        Case(name: "unknown key with a hint", files: ["content/drops/mugs.md": Fixture.drop("prise: 30")],
             expected: ["content/drops/mugs.md:14:1: prise: unknown key; did you mean `price`?"]),
        Case(name: "missing required key", files: ["content/drops/mugs.md": "---\ntitle: Mugs\n---\n"],
             expected: ["content/drops/mugs.md:2: creator: required key is missing"]),
        Case(name: "wrong type", files: ["content/drops/mugs.md": Fixture.drop().replacingOccurrences(of: "edition: 24", with: "edition: [24]")],
             expected: ["content/drops/mugs.md:6:10: edition: expected a whole number, got a list"]),
        Case(name: "closes before opens", files: ["content/drops/mugs.md": Fixture.drop().replacingOccurrences(
            of: "closes: 2026-12-06T18:00:00+01:00", with: "closes: 2026-12-03T18:00:00+01:00")],
             expected: ["content/drops/mugs.md:10:9: closes: must be after opens (2026-12-04T17:00:00Z)"]),
        Case(name: "time without offset", files: ["content/drops/mugs.md": Fixture.drop().replacingOccurrences(
            of: "opens: 2026-12-04T18:00:00+01:00", with: "opens: 2026-12-04 18:00")],
             expected: ["content/drops/mugs.md:9:8: opens: expected an RFC 3339 time with an offset such as 2026-12-04T18:00:00+01:00, got \"2026-12-04 18:00\""]),
        Case(name: "negative price", files: ["content/drops/mugs.md": Fixture.drop().replacingOccurrences(of: "price: 34", with: "price: -5")],
             expected: ["content/drops/mugs.md:4:8: price: must not be negative, got -5"]),
        Case(name: "non-numeric price", files: ["content/drops/mugs.md": Fixture.drop().replacingOccurrences(of: "price: 34", with: "price: cheap")],
             expected: ["content/drops/mugs.md:4:8: price: expected an amount such as 24 or \"24.50\", got \"cheap\""]),
        Case(name: "unknown creator", files: ["content/drops/mugs.md": Fixture.drop().replacingOccurrences(of: "creator: mara", with: "creator: marra")],
             expected: ["content/drops/mugs.md:3: creator: no creator `marra` in content/creators/; did you mean `mara`?"]),
        Case(name: "unknown policy", files: ["content/drops/mugs.md": Fixture.drop().replacingOccurrences(of: "policy: standard", with: "policy: lenient")],
             expected: ["content/drops/mugs.md:11: policy: no policy `lenient` in content/policies/"]),
        Case(name: "unknown early-access badge",
             files: ["content/drops/mugs.md": Fixture.drop("early_access: { opens: 2026-12-04T10:00:00+01:00, badges: [vip] }")],
             expected: ["content/drops/mugs.md:14: early_access.badges: no badge `vip` in content/badges/"]),
        Case(name: "duplicate slug", files: ["content/drops/mugs-again.md": Fixture.drop("slug: mugs")],
             expected: ["content/drops/mugs.md: slug: `mugs` is also the slug of content/drops/mugs-again.md; each drop needs its own"]),
        Case(name: "absolute media path",
             files: ["content/drops/mugs.md": Fixture.drop("images: [{ src: /etc/passwd, alt: x }]")],
             expected: ["content/drops/mugs.md:14:17: images[0].src: must be a path relative to content/drops/, got \"/etc/passwd\""]),
        Case(name: "media path with ..",
             files: ["content/drops/mugs.md": Fixture.drop("images: [{ src: ../../dropgen.yaml, alt: x }]")],
             expected: ["content/drops/mugs.md:14:17: images[0].src: must not contain `..`: media lives beside the file that names it, got \"../../dropgen.yaml\""]),
        Case(name: "missing media file",
             files: ["content/drops/mugs.md": Fixture.drop("hero: { video: clip.mp4, duration: 12, alt: Mugs }")],
             expected: ["content/drops/mugs.md:14:16: hero.video: file not found: content/drops/clip.mp4"]),
        Case(name: "invalid UTF-8", files: ["content/drops/mugs.md": nil],
             expected: ["content/drops/mugs.md:3:10: invalid UTF-8 at byte 25; save the file as UTF-8"]),
        Case(name: "remaining above edition", files: ["content/drops/mugs.md": Fixture.drop().replacingOccurrences(of: "remaining: 7", with: "remaining: 30")],
             expected: ["content/drops/mugs.md:7:12: remaining: is 30, more than the edition of 24"]),
        Case(name: "bad status with a hint", files: ["content/drops/mugs.md": Fixture.drop("status: sold-out")],
             expected: ["content/drops/mugs.md:14:9: status: expected one of draft, scheduled, live, sold_out, archived, got \"sold-out\"; did you mean `sold_out`?"]),
        Case(name: "unknown config key", files: ["dropgen.yaml": Fixture.config + "currrency: EUR\n"],
             expected: ["dropgen.yaml:5:1: currrency: unknown key; did you mean `currency`?"]),
        Case(name: "bad time zone", files: ["dropgen.yaml": Fixture.config.replacingOccurrences(of: "Europe/Berlin", with: "Europe/Leipzig")],
             expected: ["dropgen.yaml:4:11: timezone: unknown IANA time zone \"Europe/Leipzig\"; use a name such as Europe/Berlin"]),
    ]

    @Test(arguments: cases)
    func reportsTheExactError(_ testCase: Case) async throws {
        let fixture = try Fixture.site(testCase.files)
        if testCase.name == "invalid UTF-8" {
            var bytes = Data("---\ntitle: Mugs\ncreator: ".utf8)
            bytes.append(contentsOf: [0xC3, 0x28])
            bytes.append(Data("\n---\n".utf8))
            try fixture.write("content/drops/mugs.md", bytes)
        }
        let errors = try await fixture.errors()
        #expect(errors == testCase.expected, "got \(errors)")
    }

    @Test func symlinkOutOfTheSiteIsRefused() async throws {
        let fixture = try Fixture.site(["content/drops/mugs.md": Fixture.drop("images: [{ src: secret.jpg, alt: x }]")])
        try FileManager.default.createSymbolicLink(atPath: fixture.root.appendingPathComponent("content/drops/secret.jpg").path,
                                                   withDestinationPath: "/etc/hostname")
        #expect(try await fixture.errors() == [
            "content/drops/mugs.md:14:17: images[0].src: \"secret.jpg\" leaves the site folder (through a symbolic link)",
        ])
    }

    @Test func allErrorsOfABuildAreReportedTogether() async throws {
        let fixture = try Fixture.site([
            "content/drops/a.md": Fixture.drop("colour: red"),
            "content/drops/b.md": Fixture.drop().replacingOccurrences(of: "price: 34", with: "price: -1"),
        ])
        let errors = try await fixture.errors()
        #expect(errors == [
            "content/drops/a.md:14:1: colour: unknown key",
            "content/drops/b.md:4:8: price: must not be negative, got -1",
        ])
    }

    @Test func aFailedBuildLeavesThePreviousOutputUntouched() async throws {
        let fixture = try Fixture.site()
        try await fixture.build()
        let before = try fixture.snapshot()
        try fixture.write("content/drops/mugs.md", Fixture.drop("bogus: 1"))
        _ = try await fixture.errors()
        #expect(try fixture.snapshot() == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.root.path).filter { $0.hasPrefix(".public") }
        #expect(leftovers.isEmpty)
    }

    @Test func refusesToReplaceAFolderItDidNotWrite() async throws {
        let fixture = try Fixture.site(["public/notes.txt": "mine"])
        await #expect(throws: OutputWriter.Refused.self) { try await fixture.build() }
        #expect(try fixture.read("public/notes.txt") == "mine")
    }
}
