import Foundation
import Testing
@testable import TemplateKit

/// Shallow templates are parsed on the caller's thread, deep ones on a thread with a large stack.
@Suite struct ParserStackTests {
    @Test(arguments: [
        ("", 0, true),
        ("text {{x}} {{{y}}} {{& z}} {{> p}} {{/a}}", 0, true),
        ("{{#a}}{{/a}}", 1, true),
        ("{{#a}}{{^b}}{{/b}}{{/a}}", 1, false),
        ("{{$a}}{{<b}}{{/b}}{{/a}}", 2, true),
        // A space before `#` makes no section; `{{{#` might.
        ("{{ #a}} { {#a}}", 0, true),
        ("{{{#a}}}", 0, false),
        // Counted though never parsed as a section: the count is an upper bound.
        ("{{! {{#a}} }}", 0, false),
        // After a set-delimiter tag the count says nothing.
        ("{{=<% %>=}}", 16, false),
    ])
    func nestingBound(_ source: String, _ levels: Int, _ shallow: Bool) {
        #expect(TemplateParser.nests(atMost: levels, source) == shallow)
    }

    /// The deepest templates parsed on the caller's thread, on a 256 KB stack (half what macOS
    /// gives a secondary thread).
    @Test func deepestInlineTemplatesOnASmallStack() async {
        let levels = TemplateLibrary.levelsOnAnyStack
        let source = String(repeating: "{{#a}}", count: levels) + "x" + String(repeating: "{{/a}}", count: levels)
        #expect(TemplateParser.nests(atMost: levels, source))
        let output: String? = await withCheckedContinuation { continuation in
            let thread = Thread {
                let library = try? TemplateLibrary(["deep": source])
                continuation.resume(returning: library?.render("deep", ["a": true]))
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
        #expect(output == "x")
    }
}
