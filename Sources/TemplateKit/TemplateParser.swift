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

    /// Whether parsing `source` recurses at most `levels` deep, read from its bytes without
    /// parsing. With no set-delimiter tag (`{{=`) the delimiters stay `{{ }}`, and every tag the
    /// parser recurses for starts with `{{#`, `{{^`, `{{$` or `{{<`: their count bounds the depth.
    static func nests(atMost levels: Int, _ source: String) -> Bool {
        let brace = UInt8(ascii: "{")
        var openers = 0
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in source.utf8 {
            if previous == (brace, brace) {
                switch byte {
                case UInt8(ascii: "="):
                    return false
                case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "<"):
                    openers += 1
                    if openers > levels { return false }
                default:
                    break
                }
            }
            previous = (previous.1, byte)
        }
        return true
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

    /// The tokens of one section (or of the whole template) as they are read.
    private struct Body {
        var tokens: [TemplateToken] = []
        var state: State
        /// The indentation of the current line, held back until it is known whether a standalone
        /// tag follows (which drops it).
        var whiteSpaceBefore = ""

        mutating func append(_ text: String) {
            tokens.append(.text(Array(text.utf8)))
        }

        /// Writes the held-back indentation: the tag after it is not standalone.
        mutating func flushWhiteSpace() {
            if !whiteSpaceBefore.isEmpty {
                append(whiteSpaceBefore)
                whiteSpaceBefore = ""
            }
        }
    }

    /// Parses up to the tag that closes `initial.section` (or the end of the template, if none is
    /// open): line by line, each line's indentation, then text and tags.
    private mutating func parse(_ initial: State) throws(TemplateSyntaxError) -> Template {
        // Each section is parsed (and rendered) one call deeper.
        guard depth < TemplateLibrary.maxDepth else {
            throw TemplateSyntaxError(position: tagStart,
                                      message: "sections, blocks and parents are nested more than \(TemplateLibrary.maxDepth) deep")
        }
        depth += 1
        defer { depth -= 1 }
        var body = Body(state: initial)
        while !reachedEnd {
            readIndentation(&body)
            guard readText(&body), !reachedEnd else { continue }
            guard let standalone = try parseTag(&body) else { return Template(body.tokens) }
            body.state.newLine = standalone
        }
        if let open = body.state.section {
            let line = lineAndColumn(of: open.position).line
            throw TemplateSyntaxError(position: open.position,
                                      message: "\(open.kind.noun) `\(open.name)` opened on line \(line) is never closed")
        }
        return Template(body.tokens)
    }

    /// At the start of a line, reads its indentation into `whiteSpaceBefore`.
    private mutating func readIndentation(_ body: inout Body) {
        guard body.state.newLine else { return }
        let whiteSpace = read { $0 == " " || $0 == "\t" }
        if body.state.isPartialDefinition, !body.state.isPartialDefinitionTopLevel {
            // Inside a block override the first line's indentation is removed from every line.
            if let indent = body.state.partialDefinitionIndent {
                body.whiteSpaceBefore = String(whiteSpace.dropFirst(indent))
            } else {
                body.state.partialDefinitionIndent = whiteSpace.count
            }
        } else {
            body.whiteSpaceBefore = whiteSpace
        }
    }

    /// Reads text up to a tag or through the end of the line. True when a tag (or the end of the
    /// template) follows; false when the line ended, so a new one starts.
    private mutating func readText(_ body: inout Body) -> Bool {
        let text = readUntilDelimiterOrNewline(body.state)
        if current.isNewline {
            // As swift-mustache: the held-back indentation goes out with the line, and is not reset.
            body.append(body.whiteSpaceBefore + text + String(current))
            body.state.newLine = true
            position += 1
            return false
        }
        if !text.isEmpty {
            body.append(body.whiteSpaceBefore + text)
            body.whiteSpaceBefore = ""
            body.state.newLine = false
        }
        return true
    }

    // MARK: - Tags

    /// The tag whose open delimiter was just read. Returns whether it stood alone on its line
    /// (so the next one starts a new line), or nil when it closed `body`'s section.
    private mutating func parseTag(_ body: inout Body) throws(TemplateSyntaxError) -> Bool? {
        switch current {
        case "#", "^":
            return try parseSection(&body)
        case "/":
            try parseClose(&body)
            return nil
        case "!":
            position += 1
            try skipComment(body.state)
            return isStandalone(body.state)
        case "{", "&":
            try parseUnescaped(&body)
            return false
        case ">":
            return try parsePartial(&body)
        case "<":
            return try parseParent(&body)
        case "$":
            return try parseBlock(&body)
        case "=":
            position += 1
            body.state = try parseSetDelimiter(body.state)
            return isStandalone(body.state)
        case "%":
            throw TemplateSyntaxError(position: tagStart, message: "pragmas such as `\(tag("%CONTENT_TYPE: TEXT", body.state))` are not supported")
        default:
            try checkInsideParent("a variable", body.state)
            body.flushWhiteSpace()
            let name = try parseName(body.state)
            body.tokens.append(.variable(TemplatePath(name), escaped: true))
            return false
        }
    }

    /// `{{#name}}…{{/name}}` or `{{^name}}…{{/name}}`.
    private mutating func parseSection(_ body: inout Body) throws(TemplateSyntaxError) -> Bool {
        let inverted = current == "^"
        let opening = tagStart
        position += 1
        let name = try parseName(body.state)
        try checkInsideParent("a section", body.state)
        let standalone = isStandalone(body.state)
        if !standalone { body.flushWhiteSpace() }
        let section = OpenSection(name: name, kind: inverted ? .inverted : .section, position: opening)
        let inside = try parse(body.state.withSection(section, newLine: standalone))
        body.tokens.append(inverted ? .invertedSection(TemplatePath(name), inside) : .section(TemplatePath(name), inside))
        return standalone
    }

    /// `{{/name}}`, which must close the innermost open section, block or parent.
    private mutating func parseClose(_ body: inout Body) throws(TemplateSyntaxError) {
        let closing = tagStart
        position += 1
        let name = try parseName(body.state)
        guard let open = body.state.section else {
            throw TemplateSyntaxError(position: closing,
                                      message: "`\(tag("/" + name, body.state))` closes nothing: no section is open")
        }
        guard name == open.name else {
            let line = lineAndColumn(of: open.position).line
            throw TemplateSyntaxError(
                position: closing,
                message: "`\(tag("/" + name, body.state))` closes `\(open.name)` (opened on line \(line)); expected `\(tag("/" + open.name, body.state))`")
        }
        if !isStandalone(body.state) { body.flushWhiteSpace() }
    }

    /// `{{{name}}}` or `{{& name}}`.
    private mutating func parseUnescaped(_ body: inout Body) throws(TemplateSyntaxError) {
        let triple = current == "{"
        try checkInsideParent("a variable", body.state)
        body.flushWhiteSpace()
        position += 1
        let name = try parseName(body.state)
        if triple {
            guard current == "}", !reachedEnd else {
                throw TemplateSyntaxError(position: tagStart,
                                          message: "`\(String(body.state.open)){\(name)` must end with `}\(String(body.state.close))`")
            }
            position += 1
        }
        body.tokens.append(.variable(TemplatePath(name), escaped: false))
    }

    /// `{{> name}}`. Standalone, its indentation is added to every line of the partial.
    private mutating func parsePartial(_ body: inout Body) throws(TemplateSyntaxError) -> Bool {
        try checkInsideParent("a partial", body.state)
        position += 1
        read { $0.isWhitespace }
        if current == "*" {
            throw TemplateSyntaxError(position: position, message: "dynamic partial names (`\(tag(">*name", body.state))`) are not supported")
        }
        let name = try parsePartialName(body.state)
        partials.append((name, tagStart))
        if !body.whiteSpaceBefore.isEmpty { body.append(body.whiteSpaceBefore) }
        let standalone = isStandalone(body.state)
        body.tokens.append(.partial(name, indentation: standalone ? Array(body.whiteSpaceBefore.utf8) : [], overrides: [:]))
        body.whiteSpaceBefore = ""
        return standalone
    }

    /// `{{<name}}{{$block}}…{{/block}}{{/name}}`: the partial `name` with the blocks overridden.
    private mutating func parseParent(_ body: inout Body) throws(TemplateSyntaxError) -> Bool {
        try checkInsideParent("a parent tag", body.state)
        let opening = tagStart
        position += 1
        read { $0.isWhitespace }
        let name = try parsePartialName(body.state)
        if name.first == "*" {
            throw TemplateSyntaxError(position: opening, message: "dynamic parent names (`\(tag("<*name", body.state))`) are not supported")
        }
        partials.append((name, opening))
        if !body.whiteSpaceBefore.isEmpty { body.append(body.whiteSpaceBefore) }
        let standalone = isStandalone(body.state)
        let inside = try parse(body.state.withInheritancePartial(OpenSection(name: name, kind: .parent, position: opening)))
        var overrides: [String: Template] = [:]
        for token in inside.tokens {
            if case .blockDefinition(let block, let template) = token { overrides[block] = template }
        }
        body.tokens.append(.partial(name, indentation: Array(body.whiteSpaceBefore.utf8), overrides: overrides))
        body.whiteSpaceBefore = ""
        return standalone
    }

    /// `{{$name}}…{{/name}}`: an override directly inside a parent, a default anywhere else.
    private mutating func parseBlock(_ body: inout Body) throws(TemplateSyntaxError) -> Bool {
        let opening = tagStart
        position += 1
        let name = try parseName(body.state)
        let section = OpenSection(name: name, kind: .block, position: opening)
        if body.state.isPartialDefinitionTopLevel {
            let standalone = isStandalone(body.state)
            let inside = try parse(body.state.withSection(section, newLine: standalone))
            body.tokens.append(.blockDefinition(name, inside))
            return standalone
        }
        try checkInsideParent("a block after a set-delimiter tag", body.state)
        if !body.whiteSpaceBefore.isEmpty { body.append(body.whiteSpaceBefore) }
        let standalone = isStandalone(body.state)
        let inside = try parse(body.state.withSection(section, newLine: standalone))
        body.tokens.append(.blockExpansion(name, default: inside, indentation: Array(body.whiteSpaceBefore.utf8)))
        body.whiteSpaceBefore = ""
        return standalone
    }

    /// Directly inside `{{<parent}}…{{/parent}}` only block overrides may appear.
    private func checkInsideParent(_ what: String, _ state: State) throws(TemplateSyntaxError) {
        guard state.isInsideParent, let parent = state.section else { return }
        throw TemplateSyntaxError(
            position: tagStart,
            message: "\(what) cannot appear directly inside `\(tag("<" + parent.name, state))`; only block overrides like `\(tag("$main", state))…\(tag("/main", state))` can")
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
