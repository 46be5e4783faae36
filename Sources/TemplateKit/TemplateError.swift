/// A mistake in one template, found when a `TemplateLibrary` is made. The message names the
/// tag as written (with the delimiters in effect there) and, for sections, the line they opened on.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template's name, as given to `TemplateLibrary`.
    public var template: String
    /// 1-based, counting lines as swift-mustache does (any Unicode newline; CRLF is one).
    /// Nil (with the column) when the mistake is the chain of templates, not a place in one.
    public var line: Int?
    /// 1-based, in characters (grapheme clusters) from the start of the line.
    public var column: Int?
    public var message: String

    init(template: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.template = template
        self.line = line
        self.column = column
        self.message = message
    }

    /// `name:line:column: message`.
    public var description: String {
        var text = template
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return text + ": " + message
    }
}

/// Every mistake found in a set of templates: syntax errors in all of them (by template name),
/// else the loops of partials, else the one chain nested too deep.
public struct TemplateErrors: Error, Sendable, Equatable {
    public var errors: [TemplateError]

    init(_ errors: [TemplateError]) { self.errors = errors }
}
