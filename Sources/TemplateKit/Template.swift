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
