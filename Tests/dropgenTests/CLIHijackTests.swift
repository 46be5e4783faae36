import Foundation
import Testing

/// Hijack attempts through the command line: content errors (exit 1), never an internal error,
/// and nothing from content reaches the terminal raw.
@Suite struct CLIHijackTests {
    @Test func aliasesOverGeneratedFilesAreContentErrors() throws {
        var files = CLITests.files
        files["content/drops/mugs.md"] = "---\ntitle: Mugs\ncreator: mara\nopens: 2026-12-04T18:00:00+01:00\naliases: [/feed.xml, /robots.txt]\n---\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLITests.run(["build", "--site", root.path, "--now", "2026-12-05T12:00:00+01:00"])
        #expect(result.status == 1)
        #expect(result.stderr == """
            content/drops/mugs.md:5:11: aliases: `/feed.xml/` is taken: the site writes feed.xml; an alias may only claim a path that no page or file of the site uses
            content/drops/mugs.md:5:22: aliases: `/robots.txt/` is taken: the site writes robots.txt; an alias may only claim a path that no page or file of the site uses
            2 errors; nothing was written.

            """)
    }

    @Test func terminalEscapesFromContentArePrintedEscaped() throws {
        var files = CLITests.files
        files["content/drops/mugs.md"] = "---\ntitle: \"\\e]0;owned\\a\\e[2J\"\ncreator: mara\n---\n"
        files["content/creators/ma\u{1B}[31mra.md"] = "---\nname: Mara\n---\n"
        let root = try CLITests.site(files)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CLITests.run(["build", "--site", root.path])
        #expect(result.status == 1)
        #expect(!result.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(result.stderr.debugDescription)")
        #expect(result.stderr == """
            content/creators/ma\\u{1B}[31mra.md: the file name contains U+001B (ESC); URLs and paths cannot hold white space or control characters; rename the file
            content/drops/mugs.md:2:8: title: holds the control character U+001B (ESC); only tabs and line breaks may appear in text
            2 errors; nothing was written.

            """)
    }
}
