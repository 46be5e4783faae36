/// TemplateKit's entry point: Mustache templates by name, parsed and checked together when the
/// library is made, then rendered from a `TemplateValue` into UTF-8 bytes (one growing buffer per
/// rendering, no `Any`, no dynamic casts).
///
/// The contract is the Mustache spec (github.com/mustache/spec): interpolation, sections,
/// inverted sections, comments, set delimiters, partials with standalone indentation, and
/// template inheritance (`{{<parent}}{{$block}}…{{/block}}{{/parent}}`). Tests/TemplateKitTests
/// runs every case of those spec files; the cases it does not pass are listed there by name,
/// each with its reason. The parser (TemplateParser.swift) is a transcription of
/// swift-mustache 2.x's, so standalone lines, whitespace and indentation come out as there, byte
/// for byte (a differential test keeps it so). The documented differences:
/// - Values are `TemplateValue`: no null, no decimal numbers, no lambdas. Lambdas, transforms
///   (`{{uppercased(x)}}`), dynamic names (`{{>*x}}`) and pragmas (`{{%CONTENT_TYPE:…}}`) are
///   syntax errors.
/// - Partials that include each other in a loop are refused when the library is made, even
///   where data would end the recursion; so is nesting (sections, blocks, parents, partials)
///   more than `maxDepth` deep.
/// - A block override keeps its own indentation; it is not re-indented to the block's default
///   content (as swift-mustache 2.x does).
/// - A list or an object printed as a variable renders nothing.
/// - Escaping works on bytes: `<` `>` `&` `"` `'` are escaped even when a combining mark follows
///   them (swift-mustache compared grapheme clusters, so `"` + U+0301 went out unescaped and
///   could end an HTML attribute), and a control character becomes U+FFFD.
/// - A template ending in a lone first character of the open delimiter (e.g. a final `{`) is
///   text (swift-mustache reported a parse error).
///
/// Names are the caller's (dropgen uses the file name without `.mustache`: "layout", "drop").
public struct TemplateLibrary: Sendable {
    private let templates: [String: Template]

    /// Sections, blocks, parents and partials a rendering may open inside each other: the parser
    /// and the renderer recurse once per level. Partials that include each other in a loop are
    /// refused outright.
    public static let maxDepth = 100

    /// Levels of sections the parser may recurse on the caller's stack, whatever it is: 16 take
    /// about 100 KB in a debug build.
    static let levelsOnAnyStack = 16

    /// Parses every source; all syntax errors are reported together, then partials that include
    /// themselves (directly or through others) and renderings nested too deep.
    public init(_ sources: [String: String]) throws(TemplateErrors) {
        var templates: [String: Template] = [:]
        var partials: [String: [(name: String, position: Int)]] = [:]
        var errors: [TemplateError] = []
        func parseAll() {
            for name in sources.keys.sorted() {
                let source = sources[name]!
                var parser = TemplateParser(source)
                do throws(TemplateSyntaxError) {
                    templates[name] = try parser.parseTemplate()
                    partials[name] = parser.partials
                } catch {
                    let (line, column) = parser.lineAndColumn(of: error.position)
                    errors.append(TemplateError(template: name, line: line, column: column, message: error.message))
                }
            }
        }
        // The parser recurses once per section, with a large frame in a debug build (some 6 KB):
        // templates that may nest deeper than `levelsOnAnyStack` are parsed on a thread with room
        // for `maxDepth` levels, whatever thread asked (macOS gives secondary threads 512 KB).
        // Making that thread costs more than parsing a small template, so shallow ones (most
        // inputs of the fuzz target) are parsed where they are.
        if sources.values.allSatisfy({ TemplateParser.nests(atMost: Self.levelsOnAnyStack, $0) }) {
            parseAll()
        } else {
            onLargeStack(parseAll)
        }
        if errors.isEmpty {
            errors = Self.loops(partials, sources: sources)
        }
        if errors.isEmpty, let chain = Self.tooDeep(templates) {
            errors = [TemplateError(template: chain[0],
                                    message: "sections, blocks and partials nest more than \(Self.maxDepth) deep: "
                                        + chain.joined(separator: " → "))]
        }
        if !errors.isEmpty { throw TemplateErrors(errors) }
        self.templates = templates
    }

    /// Every loop of partials, each once, named at the tag of its first template (by name) that
    /// starts it: `a:3:5: partials include each other in a loop: a → b → a`. Depth-first without recursion: a chain may be as long as there are
    /// templates.
    private static func loops(_ partials: [String: [(name: String, position: Int)]], sources: [String: String]) -> [TemplateError] {
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
            return TemplateError(template: names[0], line: line, column: column,
                                 message: "partials include each other in a loop: " + (names + [names[0]]).joined(separator: " → "))
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
    public func render(_ name: String, _ value: TemplateValue) -> String? {
        renderBytes(name, value).map { String(decoding: $0, as: UTF8.self) }
    }

    /// UTF-8, as rendered: pages go to disk without a round trip through String.
    public func renderBytes(_ name: String, _ value: TemplateValue) -> [UInt8]? {
        guard let template = templates[name] else { return nil }
        var renderer = TemplateRenderer(templates: templates, root: value)
        renderer.render(template, indentation: [], inherited: [:])
        return renderer.output
    }
}
