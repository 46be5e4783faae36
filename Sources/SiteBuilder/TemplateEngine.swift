import Foundation

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

    /// Sections, blocks, parents and partials a rendering may open inside each other: the parser
    /// and the renderer recurse once per level. Partials that include each other in a loop are
    /// refused outright.
    static let maxDepth = 100

    /// Parses every source; all syntax errors are reported together, then partials that include
    /// themselves (directly or through others) and renderings nested too deep.
    init(_ sources: [String: String]) throws(BuildFailed) {
        var templates: [String: Template] = [:]
        var partials: [String: [(name: String, position: Int)]] = [:]
        var diagnostics: [Diagnostic] = []
        // The parser recurses once per section, with a large frame in a debug build: it runs on a
        // thread with room for `maxDepth` levels, whatever thread asked (macOS gives secondary
        // threads 512 KB, which held fewer than 50).
        onLargeStack {
            for name in sources.keys.sorted() {
                let source = sources[name]!
                var parser = TemplateParser(source)
                do throws(TemplateSyntaxError) {
                    templates[name] = try parser.parseTemplate()
                    partials[name] = parser.partials
                } catch {
                    let (line, column) = parser.lineAndColumn(of: error.position)
                    diagnostics.append(Diagnostic(file: "templates/\(name).mustache", line: line, column: column,
                                                  message: "template error: \(error.message)"))
                }
            }
        }
        if diagnostics.isEmpty {
            diagnostics = Self.loops(partials, sources: sources)
        }
        if diagnostics.isEmpty, let chain = Self.tooDeep(templates) {
            diagnostics = [Diagnostic(file: "templates/\(chain[0]).mustache",
                                      message: "template error: sections, blocks and partials nest more than \(Self.maxDepth) deep: "
                                          + chain.joined(separator: " → "))]
        }
        if !diagnostics.isEmpty { throw BuildFailed(diagnostics) }
        self.templates = templates
    }

    /// Every loop of partials, each once, named at the tag of its first template (by name) that
    /// starts it: `templates/a.mustache:3:5: template error: partials include each other in a
    /// loop: a → b → a`. Depth-first without recursion: a chain may be as long as there are
    /// templates.
    private static func loops(_ partials: [String: [(name: String, position: Int)]], sources: [String: String]) -> [Diagnostic] {
        // Edges to templates that exist (a missing partial renders nothing), first tag of each.
        var edges: [String: [(name: String, position: Int)]] = [:]
        for (name, references) in partials {
            var seen = Set<String>()
            edges[name] = references.filter { partials[$0.name] != nil && seen.insert($0.name).inserted }
        }
        enum Mark { case open, done }
        var marks: [String: Mark] = [:]
        var found: [[String]: Int] = [:]  // the loop, from its smallest name → position of its first tag
        for start in edges.keys.sorted() where marks[start] == nil {
            // The path from `start`, each template with the index of its next edge to follow.
            var path: [(name: String, next: Int)] = [(start, 0)]
            marks[start] = .open
            while let (name, next) = path.last {
                let out = edges[name] ?? []
                guard next < out.count else {
                    marks[name] = .done
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let target = out[next].name
                switch marks[target] {
                case nil:
                    marks[target] = .open
                    path.append((target, 0))
                case .open:
                    // A loop: the path from `target` to here, and back.
                    let from = path.lastIndex { $0.name == target }!
                    var names = path[from...].map(\.name)
                    let first = names.indices.min { names[$0] < names[$1] }!
                    names = Array(names[first...] + names[..<first])
                    if found[names] == nil {
                        let second = names.count > 1 ? names[1] : names[0]
                        found[names] = edges[names[0]]!.first { $0.name == second }!.position
                    }
                case .done:
                    continue
                }
            }
        }
        return found.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { names, position in
            let (line, column) = TemplateParser(sources[names[0]]!).lineAndColumn(of: position)
            return Diagnostic(file: "templates/\(names[0]).mustache", line: line, column: column,
                              message: "template error: partials include each other in a loop: "
                                  + (names + [names[0]]).joined(separator: " → "))
        }
    }

    /// The chain of templates (from the first one rendered) whose rendering would nest more
    /// than `maxDepth` levels, or nil. The partials form no loop; the count stops (and the
    /// recursion with it) as soon as the limit is passed. Overrides a parent tag passes on are
    /// counted as if rendered below the deepest point of the parent: an upper bound.
    private static func tooDeep(_ templates: [String: Template]) -> [String]? {
        struct Overflow: Error { var chain: [String] }
        var known: [String: Int] = [:]
        func levels(of name: String, at level: Int, chain: [String]) throws(Overflow) -> Int {
            if let depth = known[name] {
                if level + depth > maxDepth { throw Overflow(chain: chain) }
                return depth
            }
            let depth = try levels(of: templates[name]!, at: level, chain: chain)
            known[name] = depth
            return depth
        }
        func levels(of template: Template, at level: Int, chain: [String]) throws(Overflow) -> Int {
            if level > maxDepth { throw Overflow(chain: chain) }
            var deepest = 0
            for token in template.tokens {
                switch token {
                case .text, .variable:
                    continue
                case .section(_, let body), .invertedSection(_, let body), .blockDefinition(_, let body), .blockExpansion(_, let body, _):
                    deepest = max(deepest, 1 + (try levels(of: body, at: level + 1, chain: chain)))
                case .partial(let name, _, let overrides):
                    var passed = 0
                    for (_, body) in overrides.sorted(by: { $0.key < $1.key }) {
                        passed = max(passed, 1 + (try levels(of: body, at: level + 1, chain: chain)))
                    }
                    let inner = templates[name] == nil ? 0 : 1 + (try levels(of: name, at: level + 1 + passed, chain: chain + [name]))
                    deepest = max(deepest, inner + passed)
                }
            }
            return deepest
        }
        do {
            for name in templates.keys.sorted() { _ = try levels(of: name, at: 0, chain: [name]) }
        } catch {
            return error.chain
        }
        return nil
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

/// Runs `body` on a thread of its own with a 16 MB stack, and waits for it.
func onLargeStack(_ body: () -> Void) {
    withoutActuallyEscaping(body) { body in
        let box = ClosureBox(body)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.run()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        done.wait()
    }
}

/// Hands a closure to another thread and lets go of it once run: it must not outlive the call.
private final class ClosureBox: @unchecked Sendable {
    private var body: (() -> Void)?
    init(_ body: @escaping () -> Void) { self.body = body }
    func run() {
        body?()
        body = nil
    }
}
