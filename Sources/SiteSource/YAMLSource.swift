import Yams

/// Where a YAML document sits in its file, so marks can be reported as file lines.
public struct YAMLSource: Sendable {
    public var file: String
    /// Line of the file just before the YAML's first line (1 for front matter after `---`).
    public var lineOffset: Int

    public init(file: String, lineOffset: Int) {
        self.file = file
        self.lineOffset = lineOffset
    }

    /// Parses a YAML document into a node tree that keeps line and column marks; nil for an
    /// empty document.
    public func compose(_ text: String) throws(Diagnostic) -> YAMLNode? {
        // Plain front matter is read without libyaml; anything else, errors included, goes to Yams.
        if let node = SimpleYAML.compose(text) { return node }
        if let (line, column) = YAMLDepth.firstPastLimit(text, limit: yamlMaxDepth) {
            throw Diagnostic(file: file, line: line + lineOffset, column: column, message: yamlTooDeep)
        }
        do {
            return try Yams.compose(yaml: text, mergeOnly, sharedConstructor, .utf8).map(YAMLNode.init)
        } catch let error as YamlError {
            switch error {
            case .scanner(let context, let problem, let mark, _),
                 .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                let detail = [context.map { "\($0.text)" }, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
                // libyaml's own words name its C function; the limit is what a creator can act on.
                if problem.hasPrefix("Maximum nesting level reached") {
                    throw Diagnostic(file: file, line: mark.line + lineOffset, column: mark.column, message: yamlTooDeep)
                }
                throw Diagnostic(file: file, line: mark.line + lineOffset, column: mark.column, message: "invalid YAML: \(detail)")
            default:
                throw Diagnostic(file: file, line: lineOffset + 1, message: "invalid YAML: \(error)")
            }
        } catch {
            throw Diagnostic(file: file, line: lineOffset + 1, message: "invalid YAML: \(error)")
        }
    }
}

/// Only merge keys (`<<`) are resolved: fields read scalars as text and convert them themselves,
/// and resolving every scalar against Yams' regular expressions dominated loading.
let mergeOnly = Resolver.basic.appending(.merge)

/// Yams builds a new `Constructor.default` (tables of every tag's conversion) on each access,
/// and every node's tag holds one: made once here, and only ever read.
nonisolated(unsafe) let sharedConstructor = Constructor.default

/// Lists and mappings nested deeper than this are an error (`YAMLDepth`).
let yamlMaxDepth = YAMLDepth.limit

/// The error for a document nested past `yamlMaxDepth` (or past libyaml's limit).
let yamlTooDeep = "invalid YAML: lists and mappings nested too deep (the limit is \(yamlMaxDepth) levels)"
