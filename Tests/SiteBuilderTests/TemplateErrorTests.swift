import Testing
@testable import SiteBuilder
@testable import SiteSource

/// TemplateKit's errors as dropgen reports them: `templates/<name>.mustache:line:column: template error: …`.
@Suite struct TemplateErrorTests {
    static func errors(_ sources: [String: String]) -> [Diagnostic] {
        do {
            _ = try Templates.library(sources)
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func unclosedSectionNamesItsLine() {
        #expect(Self.errors(["layout": "<p>\n{{#site}}\n<b>{{title}}</b>\n"]) == [
            Diagnostic(file: "templates/layout.mustache", line: 2, column: 1,
                       message: "template error: section `site` opened on line 2 is never closed"),
        ])
        #expect(Self.errors(["a": "x\n  {{^items}}{{#b}}{{/b}}"]) == [
            Diagnostic(file: "templates/a.mustache", line: 2, column: 3,
                       message: "template error: inverted section `items` opened on line 2 is never closed"),
        ])
        #expect(Self.errors(["a": "{{<layout}}\n{{$main}}\nx\n{{/layout}}\n"]) == [
            Diagnostic(file: "templates/a.mustache", line: 4, column: 1,
                       message: "template error: `{{/layout}}` closes `main` (opened on line 2); expected `{{/main}}`"),
        ])
        #expect(Self.errors(["a": "{{<layout}}\n{{$main}}\nx\n{{/main}}\n"]) == [
            Diagnostic(file: "templates/a.mustache", line: 1, column: 1,
                       message: "template error: parent `layout` opened on line 1 is never closed"),
        ])
    }

    @Test func mismatchedCloseNamesTheCloseTag() {
        #expect(Self.errors(["drop": "{{#bar}}\nx\n  {{/foo}}\n"]) == [
            Diagnostic(file: "templates/drop.mustache", line: 3, column: 3,
                       message: "template error: `{{/foo}}` closes `bar` (opened on line 1); expected `{{/bar}}`"),
        ])
        #expect(Self.errors(["a": "ok\n{{/foo}}"]) == [
            Diagnostic(file: "templates/a.mustache", line: 2, column: 1,
                       message: "template error: `{{/foo}}` closes nothing: no section is open"),
        ])
        #expect(Self.errors(["a": "{{=<% %>=}}\n<%#a%><%/b%>"]) == [
            Diagnostic(file: "templates/a.mustache", line: 2, column: 7,
                       message: "template error: `<%/b%>` closes `a` (opened on line 2); expected `<%/a%>`"),
        ])
    }

    @Test func unclosedTag() {
        #expect(Self.errors(["card": "a\nb {{name\n"]) == [
            Diagnostic(file: "templates/card.mustache", line: 2, column: 3,
                       message: "template error: unclosed tag: `{{` without a matching `}}`"),
        ])
        #expect(Self.errors(["card": "a\r\nb {{name {{x}}\r\n"]) == [
            Diagnostic(file: "templates/card.mustache", line: 2, column: 3,
                       message: "template error: unclosed tag: `{{` without a matching `}}`"),
        ])
        #expect(Self.errors(["card": "{{na me}}"]) == [
            Diagnostic(file: "templates/card.mustache", line: 1, column: 6,
                       message: "template error: unexpected `m` in a tag; expected `}}`"),
        ])
        #expect(Self.errors(["a": "x {{! never closed"]) == [
            Diagnostic(file: "templates/a.mustache", line: 1, column: 3, message: "template error: unclosed comment: missing `}}`"),
        ])
        #expect(Self.errors(["a": "{{{x}}"]) == [
            Diagnostic(file: "templates/a.mustache", line: 1, column: 1, message: "template error: `{{{x` must end with `}}}`"),
        ])
    }

    @Test func unsupportedFeaturesAreErrors() {
        let errors = Self.errors([
            "a": "{{uppercased(name)}}", "b": "x\n{{>*dynamic}}", "c": "{{%CONTENT_TYPE: TEXT}}",
            "d": "{{<layout}}\n{{$main}}ok{{/main}}\n{{title}}\n{{/layout}}", "e": "{{= <% =}}",
        ])
        #expect(errors.map(\.description) == [
            "templates/a.mustache:1:1: template error: transforms such as `{{uppercased(name)}}` are not supported",
            "templates/b.mustache:2:4: template error: dynamic partial names (`{{>*name}}`) are not supported",
            "templates/c.mustache:1:1: template error: pragmas such as `{{%CONTENT_TYPE: TEXT}}` are not supported",
            "templates/d.mustache:3:1: template error: a variable cannot appear directly inside `{{<layout}}`; only block overrides like `{{$main}}…{{/main}}` can",
            "templates/e.mustache:1:1: template error: invalid set-delimiter tag; write it like `{{=<% %>=}}`",
        ])
    }
}
