/// Renders parsed templates into one growing byte buffer, with a context stack of
/// `TemplateValue`s. Mirrors swift-mustache's `MustacheTemplate.render(context:)`, where each
/// template rendering built its own string: here each rendering is the stretch of the buffer
/// from where it started, which is all the indentation rule ever looks at.
struct TemplateRenderer {
    private let templates: [String: Template]
    private(set) var output: [UInt8] = []
    private var stack: [TemplateValue]

    init(templates: [String: Template], root: TemplateValue) {
        self.templates = templates
        self.stack = [root]
        stack.reserveCapacity(16)
        output.reserveCapacity(32 * 1024)
    }

    /// `indentation`: prefix for every line after the first of what this template renders
    /// (empty: none). `inherited`: block overrides in effect, outermost first.
    mutating func render(_ template: Template, indentation: [UInt8], inherited: [String: Template]) {
        if indentation.isEmpty {
            for token in template.merged {
                renderToken(token, indentation: indentation, inherited: inherited)
            }
            return
        }
        // As swift-mustache: before a token that renders something, if this template's output so
        // far ends with "\n" (as a whole character, so not "\r\n"), write the indentation.
        let start = output.count
        for token in template.tokens {
            let end = output.count
            let atLineStart = end > start && output[end - 1] == newline && !(end - 2 >= start && output[end - 2] == carriageReturn)
            if atLineStart {
                output.append(contentsOf: indentation)
                let afterIndentation = output.count
                renderToken(token, indentation: indentation, inherited: inherited)
                if output.count == afterIndentation {
                    output.removeLast(indentation.count)
                }
            } else {
                renderToken(token, indentation: indentation, inherited: inherited)
            }
        }
    }

    private mutating func renderToken(_ token: TemplateToken, indentation: [UInt8], inherited: [String: Template]) {
        switch token {
        case .text(let text):
            output.append(contentsOf: text)

        case .variable(let path, let escaped):
            guard let value = lookUp(path) else { return }
            switch value {
            case .string(let text):
                if escaped { appendEscaped(text) } else { output.append(contentsOf: text.utf8) }
            case .int(let number):
                output.append(contentsOf: String(number).utf8)
            case .bool(let flag):
                output.append(contentsOf: (flag ? "true" : "false").utf8)
            case .list, .object:
                // swift-mustache printed `String(describing:)` of the collection; no template
                // should print one, so nothing is written.
                return
            }

        case .section(let path, let body):
            guard let value = lookUp(path) else { return }
            switch value {
            case .list(let items):
                for item in items {
                    stack.append(item)
                    render(body, indentation: indentation, inherited: inherited)
                    stack.removeLast()
                }
            case .bool(let flag):
                if flag { render(body, indentation: indentation, inherited: inherited) }
            case .string, .int, .object:
                stack.append(value)
                render(body, indentation: indentation, inherited: inherited)
                stack.removeLast()
            }

        case .invertedSection(let path, let body):
            guard let value = lookUp(path) else {
                render(body, indentation: indentation, inherited: inherited)
                return
            }
            switch value {
            case .list(let items):
                // swift-mustache pushes the empty list itself.
                if items.isEmpty {
                    stack.append(value)
                    render(body, indentation: indentation, inherited: inherited)
                    stack.removeLast()
                }
            case .bool(let flag):
                if !flag { render(body, indentation: indentation, inherited: inherited) }
            case .string, .int, .object:
                return
            }

        case .blockDefinition:
            // Collected into the parent's `partial` token by the parser; never rendered.
            return

        case .blockExpansion(let name, let defaultBody, let indented):
            render(inherited[name] ?? defaultBody, indentation: indentation + indented, inherited: inherited)

        case .partial(let name, let indented, let overrides):
            guard let template = templates[name] else { return }
            // Overrides already in effect win over the ones this tag brings (outer parents win).
            let merged: [String: Template]
            if overrides.isEmpty {
                merged = inherited
            } else if inherited.isEmpty {
                merged = overrides
            } else {
                merged = inherited.merging(overrides) { outer, _ in outer }
            }
            render(template, indentation: indented.isEmpty ? indentation : indentation + indented, inherited: merged)
        }
    }

    /// Resolves a name against the context stack as swift-mustache does for dictionaries.
    private func lookUp(_ path: TemplatePath) -> TemplateValue? {
        switch path {
        case .current:
            return stack[stack.count - 1]
        case .anchored(let names):
            return Self.descend(stack[stack.count - 1], names[...])
        case .stack(let names):
            let first = names[0]
            var index = stack.count - 1
            while index >= 0 {
                if case .object(let fields) = stack[index], let child = fields[first] {
                    return names.count == 1 ? child : Self.descend(child, names[1...])
                }
                index -= 1
            }
            return nil
        }
    }

    private static func descend(_ value: TemplateValue, _ names: ArraySlice<String>) -> TemplateValue? {
        var value = value
        for name in names {
            guard case .object(let fields) = value, let child = fields[name] else { return nil }
            value = child
        }
        return value
    }

    /// `<` `>` `&` `"` `'` → `&lt;` `&gt;` `&amp;` `&quot;` `&#39;`, as swift-mustache's `htmlEscape`;
    /// a control character (C0 but tab and line breaks, and DEL) → U+FFFD: never raw in a page.
    private mutating func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let replacement: StaticString
                switch bytes[index] {
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "\""): replacement = "&quot;"
                case UInt8(ascii: "'"): replacement = "&#39;"
                case 0x00...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F: replacement = "\u{FFFD}"
                default: continue
                }
                if runStart < index {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                }
                output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                runStart = index + 1
            }
            if runStart < bytes.count {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
            }
        }
    }
}

private let newline = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r")
