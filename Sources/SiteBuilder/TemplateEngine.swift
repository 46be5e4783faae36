/// dropgen's own Mustache engine: renders `TemplateValue` with no `Any` and no dynamic casts,
/// appending into one byte buffer per page.
///
/// It reproduces swift-mustache 2.x (the renderer it replaces) byte for byte on what the theme
/// uses: variables (escaped `{{x}}`, unescaped `{{{x}}}` / `{{& x}}`), dotted names, `{{.}}`,
/// sections and inverted sections, comments, set delimiters, partials with standalone
/// indentation, and template inheritance (`{{<parent}}{{$block}}…{{/block}}{{/parent}}`).
/// The parser (TemplateEngine+Parse.swift) is a transcription of swift-mustache's, so that
/// standalone lines, whitespace and indentation come out exactly the same.
///
/// Deliberate differences from swift-mustache, none of which a template should rely on:
/// - A `.list` or `.object` printed as a variable renders nothing; swift-mustache printed
///   Swift's `String(describing:)` of the array or dictionary.
/// - Escaping works on bytes: `<` `>` `&` `"` `'` are escaped even when a combining mark
///   follows them. swift-mustache compared grapheme clusters, so `"` + U+0301 was one
///   `Character` and went out unescaped (which could end an HTML attribute).
/// - A template ending in a lone first character of the open delimiter (e.g. a final `{`) is
///   text here; swift-mustache reported a parse error.
/// - Lambdas, transforms (`{{uppercased(x)}}`), dynamic partials (`{{>*x}}`) and pragmas
///   (`{{%CONTENT_TYPE:…}}`) are syntax errors.

/// Parsed templates by name (name = file name without `.mustache`, e.g. "layout", "drop", "card").
struct TemplateLibrary: Sendable {
    private let templates: [String: Template]

    /// Parses every source; all syntax errors are reported together.
    init(_ sources: [String: String]) throws(BuildFailed) {
        var templates: [String: Template] = [:]
        var diagnostics: [Diagnostic] = []
        for name in sources.keys.sorted() {
            let source = sources[name]!
            var parser = TemplateParser(source)
            do throws(TemplateSyntaxError) {
                templates[name] = try parser.parseTemplate()
            } catch {
                let (line, column) = parser.lineAndColumn(of: error.position)
                diagnostics.append(Diagnostic(file: "templates/\(name).mustache", line: line, column: column,
                                              message: "template error: \(error.message)"))
            }
        }
        if !diagnostics.isEmpty { throw BuildFailed(diagnostics) }
        self.templates = templates
    }

    /// nil when no template has this name.
    func render(_ name: String, _ value: TemplateValue) -> String? {
        renderBytes(name, value).map { String(decoding: $0, as: UTF8.self) }
    }

    /// UTF-8, as rendered: pages go to disk without a round trip through String.
    func renderBytes(_ name: String, _ value: TemplateValue) -> [UInt8]? {
        guard let template = templates[name] else { return nil }
        var renderer = TemplateRenderer(templates: templates, root: value)
        renderer.render(template, indentation: [], inherited: [:])
        return renderer.output
    }
}

/// One parsed template: what swift-mustache calls a `MustacheTemplate`.
struct Template: Sendable {
    /// Tokens as parsed; used when rendering inside an indented partial, where the indentation
    /// logic looks at the output between tokens.
    let tokens: [TemplateToken]
    /// The same tokens with adjacent text merged, for the common unindented case.
    let merged: [TemplateToken]

    init(_ tokens: [TemplateToken]) {
        self.tokens = tokens
        var merged: [TemplateToken] = []
        merged.reserveCapacity(tokens.count)
        for token in tokens {
            if case .text(let text) = token, case .text(let previous)? = merged.last {
                merged[merged.count - 1] = .text(previous + text)
            } else {
                merged.append(token)
            }
        }
        self.merged = merged
    }
}

/// Indirect: rendering copies each token it visits, and a boxed payload is one reference to
/// count instead of several.
indirect enum TemplateToken: Sendable {
    case text([UInt8])
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{& name}}`.
    case variable(TemplatePath, escaped: Bool)
    case section(TemplatePath, Template)
    case invertedSection(TemplatePath, Template)
    /// `{{$name}}…{{/name}}` directly inside `{{<parent}}`: an override. The parser collects these
    /// into the parent's `partial` token, so they never reach the renderer.
    case blockDefinition(String, Template)
    /// `{{$name}}default{{/name}}` anywhere else: replaced by an inherited override if there is one.
    case blockExpansion(String, default: Template, indentation: [UInt8])
    /// `{{> name}}` (no overrides) or `{{< name}}…{{/name}}`. The indentation is the whitespace
    /// before a standalone tag, added to every line of the partial's output after the first.
    case partial(String, indentation: [UInt8], overrides: [String: Template])
}

/// A tag's name, resolved as swift-mustache does: `.` (and an empty name) is the top of the
/// context stack; `a.b.c` finds `a` anywhere up the stack, then `b.c` inside it only; `.a.b`
/// looks in the top of the stack only.
enum TemplatePath: Sendable, Equatable {
    case current
    case anchored([String])
    case stack([String])

    init(_ name: String) {
        if name == "." {
            self = .current
            return
        }
        let parts = name.split(separator: ".").map(String.init)
        if parts.isEmpty {
            self = .current
        } else if name.first == "." {
            self = .anchored(parts)
        } else {
            self = .stack(parts)
        }
    }
}

struct TemplateSyntaxError: Error {
    /// Index into the template's characters.
    var position: Int
    var message: String
}
