/// The Mustache parser. It follows swift-mustache's `MustacheTemplate.parse` step by step
/// (including its quirks: which tags may stand alone, when leading whitespace is kept, how the
/// newline state carries over a section), working on `Character`s as swift-mustache does, so
/// that the token stream — and therefore the output — is the same. Positions are kept for
/// error messages.
struct TemplateParser {
    private let chars: [Character]
    private var position = 0
    /// Where the tag being parsed starts (its open delimiter).
    private var tagStart = 0
    /// Sections, blocks and parents open around the current position.
    private var depth = 0
    /// Every `{{> name}}` and `{{< name}}` tag, with the position of its open delimiter: the
    /// library checks that no partial includes itself.
    private(set) var partials: [(name: String, position: Int)] = []

    init(_ source: String) {
        self.chars = Array(source)
    }

    private enum SectionKind {
        case section, inverted, block, parent

        var noun: String {
            switch self {
            case .section: "section"
            case .inverted: "inverted section"
            case .block: "block"
            case .parent: "parent"
            }
        }
    }

    private struct OpenSection {
        var name: String
        var kind: SectionKind
        /// Position of the opening tag.
        var position: Int
    }

    private struct State {
        var section: OpenSection?
        var newLine = true
        var isPartialDefinition = false
        var isPartialDefinitionTopLevel = false
        /// Directly inside `{{<parent}}…{{/parent}}`, where only block overrides (and ignored
        /// text) may appear. Unlike `isPartialDefinitionTopLevel` it survives a set-delimiter tag.
        var isInsideParent = false
        var partialDefinitionIndent: Int?
        var open: [Character] = ["{", "{"]
        var close: [Character] = ["}", "}"]

        func withSection(_ section: OpenSection, newLine: Bool) -> State {
            var state = self
            state.section = section
            state.isPartialDefinitionTopLevel = false
            state.isInsideParent = false
            if !newLine { state.newLine = false }
            return state
        }

        func withInheritancePartial(_ section: OpenSection) -> State {
            var state = self
            state.section = section
            state.newLine = true
            state.isPartialDefinition = true
            state.isPartialDefinitionTopLevel = true
            state.isInsideParent = true
            return state
        }

        func withDelimiters(open: [Character], close: [Character]) -> State {
            var state = self
            state.open = open
            state.close = close
            state.isPartialDefinitionTopLevel = false
            return state
        }
    }

    mutating func parseTemplate() throws(TemplateSyntaxError) -> Template {
        try parse(State())
    }

    /// 1-based line and column of a position, counting lines as swift-mustache does.
    func lineAndColumn(of position: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(position, chars.count) where chars[index].isNewline {
            line += 1
            lineStart = index + 1
        }
        return (line, position - lineStart + 1)
    }

    // MARK: - Sections

    private mutating func parse(_ initial: State) throws(TemplateSyntaxError) -> Template {
        // Each section is parsed (and rendered) one call deeper.
        guard depth < TemplateLibrary.maxDepth else {
            throw TemplateSyntaxError(position: tagStart,
                                      message: "sections, blocks and parents are nested more than \(TemplateLibrary.maxDepth) deep")
        }
        depth += 1
        defer { depth -= 1 }
        var tokens: [TemplateToken] = []
        var state = initial
        var whiteSpaceBefore = ""
        while !reachedEnd {
            if state.newLine {
                let whiteSpace = read { $0 == " " || $0 == "\t" }
                if state.isPartialDefinition, !state.isPartialDefinitionTopLevel {
                    // Inside a block override the first line's indentation is removed from every line.
                    if let indent = state.partialDefinitionIndent {
                        whiteSpaceBefore = String(whiteSpace.dropFirst(indent))
                    } else {
                        state.partialDefinitionIndent = whiteSpace.count
                    }
                } else {
                    whiteSpaceBefore = whiteSpace
                }
            }
            let text = readUntilDelimiterOrNewline(state)
            if current.isNewline {
                tokens.append(.text(Array((whiteSpaceBefore + text + String(current)).utf8)))
                state.newLine = true
                position += 1
                continue
            }
            if !text.isEmpty {
                tokens.append(.text(Array((whiteSpaceBefore + text).utf8)))
                whiteSpaceBefore = ""
                state.newLine = false
            }
            if reachedEnd { break }

            func flushWhiteSpace() {
                if !whiteSpaceBefore.isEmpty {
                    tokens.append(.text(Array(whiteSpaceBefore.utf8)))
                    whiteSpaceBefore = ""
                }
            }
            func checkInsideParent(_ what: String) throws(TemplateSyntaxError) {
                guard state.isInsideParent, let parent = state.section else { return }
                throw TemplateSyntaxError(
                    position: tagStart,
                    message: "\(what) cannot appear directly inside `\(tag("<" + parent.name, state))`; only block overrides like `\(tag("$main", state))…\(tag("/main", state))` can")
            }

            var setNewLine = false
            switch current {
            case "#", "^":
                let inverted = current == "^"
                let opening = tagStart
                position += 1
                let name = try parseName(state)
                try checkInsideParent("a section")
                if isStandalone(state) {
                    setNewLine = true
                } else {
                    flushWhiteSpace()
                }
                let section = OpenSection(name: name, kind: inverted ? .inverted : .section, position: opening)
                let body = try parse(state.withSection(section, newLine: setNewLine))
                tokens.append(inverted ? .invertedSection(TemplatePath(name), body) : .section(TemplatePath(name), body))

            case "/":
                let closing = tagStart
                position += 1
                let name = try parseName(state)
                guard let open = state.section else {
                    throw TemplateSyntaxError(position: closing,
                                              message: "`\(tag("/" + name, state))` closes nothing: no section is open")
                }
                guard name == open.name else {
                    let line = lineAndColumn(of: open.position).line
                    throw TemplateSyntaxError(
                        position: closing,
                        message: "`\(tag("/" + name, state))` closes `\(open.name)` (opened on line \(line)); expected `\(tag("/" + open.name, state))`")
                }
                if isStandalone(state) {
                    setNewLine = true
                } else {
                    flushWhiteSpace()
                }
                return Template(tokens)

            case "!":
                position += 1
                try skipComment(state)
                setNewLine = isStandalone(state)

            case "{":
                try checkInsideParent("a variable")
                flushWhiteSpace()
                position += 1
                let name = try parseName(state)
                guard current == "}", !reachedEnd else {
                    throw TemplateSyntaxError(position: tagStart,
                                              message: "`\(String(state.open)){\(name)` must end with `}\(String(state.close))`")
                }
                position += 1
                tokens.append(.variable(TemplatePath(name), escaped: false))

            case "&":
                try checkInsideParent("a variable")
                flushWhiteSpace()
                position += 1
                let name = try parseName(state)
                tokens.append(.variable(TemplatePath(name), escaped: false))

            case ">":
                try checkInsideParent("a partial")
                position += 1
                read { $0.isWhitespace }
                if current == "*" {
                    throw TemplateSyntaxError(position: position, message: "dynamic partial names (`\(tag(">*name", state))`) are not supported")
                }
                let name = try parsePartialName(state)
                partials.append((name, tagStart))
                if !whiteSpaceBefore.isEmpty { tokens.append(.text(Array(whiteSpaceBefore.utf8))) }
                if isStandalone(state) {
                    setNewLine = true
                    tokens.append(.partial(name, indentation: Array(whiteSpaceBefore.utf8), overrides: [:]))
                } else {
                    tokens.append(.partial(name, indentation: [], overrides: [:]))
                }
                whiteSpaceBefore = ""

            case "<":
                try checkInsideParent("a parent tag")
                let opening = tagStart
                position += 1
                read { $0.isWhitespace }
                let name = try parsePartialName(state)
                if name.first == "*" {
                    throw TemplateSyntaxError(position: opening, message: "dynamic parent names (`\(tag("<*name", state))`) are not supported")
                }
                partials.append((name, opening))
                if !whiteSpaceBefore.isEmpty { tokens.append(.text(Array(whiteSpaceBefore.utf8))) }
                if isStandalone(state) {
                    setNewLine = true
                }
                let body = try parse(state.withInheritancePartial(OpenSection(name: name, kind: .parent, position: opening)))
                var overrides: [String: Template] = [:]
                for token in body.tokens {
                    if case .blockDefinition(let block, let template) = token { overrides[block] = template }
                }
                tokens.append(.partial(name, indentation: Array(whiteSpaceBefore.utf8), overrides: overrides))
                whiteSpaceBefore = ""

            case "$":
                let opening = tagStart
                position += 1
                let name = try parseName(state)
                let section = OpenSection(name: name, kind: .block, position: opening)
                if state.isPartialDefinitionTopLevel {
                    if isStandalone(state) {
                        setNewLine = true
                    }
                    let body = try parse(state.withSection(section, newLine: setNewLine))
                    tokens.append(.blockDefinition(name, body))
                } else {
                    try checkInsideParent("a block after a set-delimiter tag")
                    if !whiteSpaceBefore.isEmpty { tokens.append(.text(Array(whiteSpaceBefore.utf8))) }
                    if isStandalone(state) {
                        setNewLine = true
                    }
                    let body = try parse(state.withSection(section, newLine: setNewLine))
                    tokens.append(.blockExpansion(name, default: body, indentation: Array(whiteSpaceBefore.utf8)))
                    whiteSpaceBefore = ""
                }

            case "=":
                position += 1
                state = try parseSetDelimiter(state)
                setNewLine = isStandalone(state)

            case "%":
                throw TemplateSyntaxError(position: tagStart, message: "pragmas such as `\(tag("%CONTENT_TYPE: TEXT", state))` are not supported")

            default:
                try checkInsideParent("a variable")
                flushWhiteSpace()
                let name = try parseName(state)
                tokens.append(.variable(TemplatePath(name), escaped: true))
            }
            state.newLine = setNewLine
        }
        if let open = state.section {
            let line = lineAndColumn(of: open.position).line
            throw TemplateSyntaxError(position: open.position,
                                      message: "\(open.kind.noun) `\(open.name)` opened on line \(line) is never closed")
        }
        return Template(tokens)
    }

    // MARK: - Pieces

    /// Text up to a newline or the open delimiter; after a delimiter, the position is past it.
    private mutating func readUntilDelimiterOrNewline(_ state: State) -> String {
        let first = state.open[0]
        var text = ""
        while !reachedEnd {
            text += read { $0 != "\n" && $0 != "\r\n" && $0 != first }
            if current.isNewline {
                break
            } else if !reachedEnd {
                // `current == first`.
                tagStart = position
                if read(state.open) { break }
                text.append(first)
                position += 1
            }
        }
        return text
    }

    private static let nameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
    private static let partialNameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/")

    private mutating func parseName(_ state: State) throws(TemplateSyntaxError) -> String {
        read { $0.isWhitespace }
        let name = read { Self.nameCharacters.contains($0) }
        read { $0.isWhitespace }
        guard read(state.close) else { throw unfinishedTag(state) }
        if name.contains("(") || name.contains(")") {
            throw TemplateSyntaxError(position: tagStart,
                                      message: "transforms such as `\(tag(name, state))` are not supported")
        }
        return name
    }

    private mutating func parsePartialName(_ state: State) throws(TemplateSyntaxError) -> String {
        read { $0.isWhitespace }
        let name = read { Self.partialNameCharacters.contains($0) }
        read { $0.isWhitespace }
        guard read(state.close) else { throw unfinishedTag(state) }
        return name
    }

    /// A tag whose name is followed by something other than the close delimiter.
    private func unfinishedTag(_ state: State) -> TemplateSyntaxError {
        let closed = (position..<chars.count).contains { chars[$0...].starts(with: state.close) }
        if reachedEnd || !closed || chars[position...].starts(with: state.open) {
            return TemplateSyntaxError(position: tagStart,
                                       message: "unclosed tag: `\(String(state.open))` without a matching `\(String(state.close))`")
        }
        return TemplateSyntaxError(position: position,
                                   message: "unexpected `\(current)` in a tag; expected `\(String(state.close))`")
    }

    /// Skips to just past the close delimiter, matching it as swift-mustache's
    /// `read(untilString:)` does.
    private mutating func skipComment(_ state: State) throws(TemplateSyntaxError) {
        var matched = 0
        while !reachedEnd {
            if current == state.close[matched] {
                matched += 1
                if matched == state.close.count {
                    position += 1
                    return
                }
            } else {
                matched = 0
            }
            position += 1
        }
        throw TemplateSyntaxError(position: tagStart, message: "unclosed comment: missing `\(String(state.close))`")
    }

    private mutating func parseSetDelimiter(_ state: State) throws(TemplateSyntaxError) -> State {
        let invalid = TemplateSyntaxError(position: tagStart,
                                          message: "invalid set-delimiter tag; write it like `\(String(state.open))=<% %>=\(String(state.close))`")
        read { $0.isWhitespace }
        guard let open = readUntil({ $0.isWhitespace }) else { throw invalid }
        read { $0.isWhitespace }
        guard let close = readUntil({ $0 == "=" || $0.isWhitespace }) else { throw invalid }
        read { $0.isWhitespace }
        guard !reachedEnd, current == "=" else { throw invalid }
        position += 1
        guard read(state.close), !open.isEmpty, !close.isEmpty else { throw invalid }
        return state.withDelimiters(open: open, close: close)
    }

    private static func isStandaloneWhiteSpace(_ c: Character) -> Bool { c == " " || c == "\t" }

    /// swift-mustache's `isStandalone`: the tag began a line and only spaces or tabs follow it up
    /// to a newline (which is consumed) or the end of the template.
    private mutating func isStandalone(_ state: State) -> Bool {
        guard state.newLine else { return false }
        if reachedEnd { return true }
        var end = position
        while end < chars.count, Self.isStandaloneWhiteSpace(chars[end]) { end += 1 }
        if end < chars.count, chars[end].isNewline {
            position = end + 1
            return true
        }
        return false
    }

    // MARK: - Reading

    private var reachedEnd: Bool { position == chars.count }

    /// The current character, or NUL at the end (as swift-mustache's `current()`).
    private var current: Character { position < chars.count ? chars[position] : "\0" }

    @discardableResult
    private mutating func read(while predicate: (Character) -> Bool) -> String {
        let start = position
        while position < chars.count, predicate(chars[position]) { position += 1 }
        return String(chars[start..<position])
    }

    /// Reads up to the first character matching `predicate`; nil (and no move) at the end.
    private mutating func readUntil(_ predicate: (Character) -> Bool) -> [Character]? {
        let start = position
        while position < chars.count {
            if predicate(chars[position]) { return Array(chars[start..<position]) }
            position += 1
        }
        position = start
        return nil
    }

    /// Consumes `string` if it comes next.
    private mutating func read(_ string: [Character]) -> Bool {
        guard chars[position...].starts(with: string) else { return false }
        position += string.count
        return true
    }

    private func tag(_ content: String, _ state: State) -> String {
        String(state.open) + content + String(state.close)
    }
}
