import Foundation
import Testing

/// The `publish:` section of dropgen.yaml reads like every other source: its mistakes in the
/// same `file:line:column: key: message` dialect, reported together with the site's.
extension CLITests {
    static let badPublish = "title: T\nbase_url: https://t.example\ntimezone: Europe/Berlin\npublish:\n  wokers: 4\n  retain: 0\n"

    @Test func checkReportsPublishMistakesWithContentErrors() throws {
        var files = Self.files
        files["dropgen.yaml"] = Self.badPublish
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nprice: -3\n---\n"
        let root = try Self.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.run(["check", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(result.status == 1)
        #expect(result.stderr == """
            content/drops/mugs.md:4:8: price: must not be negative, got -3
            dropgen.yaml:5:3: publish.wokers: unknown key; did you mean `workers`?
            dropgen.yaml:6:11: publish.retain: must be at least 1, got 0
            3 errors; nothing was written.

            """)
    }

    /// A site whose content is fine still fails `check` on a bad `publish:` section.
    @Test func checkReportsPublishMistakesAlone() throws {
        var files = Self.files
        files["dropgen.yaml"] = Self.badPublish
        let root = try Self.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.run(["check", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(result.status == 1)
        #expect(result.stderr == """
            dropgen.yaml:5:3: publish.wokers: unknown key; did you mean `workers`?
            dropgen.yaml:6:11: publish.retain: must be at least 1, got 0
            2 errors; nothing was written.

            """)
    }

    /// Invalid YAML in dropgen.yaml is one mistake, though both the site and `publish:` read it.
    @Test func checkReportsInvalidConfigYAMLOnce() throws {
        var files = Self.files
        files["dropgen.yaml"] = "title: T\nbase_url: [https://t.example\n"
        let root = try Self.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.run(["check", "--site", root.path, "--now", "2026-12-01T00:00:00Z"])
        #expect(result.status == 1)
        #expect(result.stderr.hasSuffix("\n1 error; nothing was written.\n"), "\(result.stderr)")
    }

    /// `publish` stops at the same mistakes, all of them, before it reads the build or a target.
    @Test func publishReportsEveryConfigMistake() throws {
        var files = Self.files
        files["dropgen.yaml"] = Self.badPublish
        let root = try Self.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try Self.run(["publish", "--site", root.path])
        #expect(result.status == 1)
        #expect(result.stderr == """
            dropgen.yaml:5:3: publish.wokers: unknown key; did you mean `workers`?
            dropgen.yaml:6:11: publish.retain: must be at least 1, got 0
            2 errors; nothing was written.

            """)
    }
}
