import CCmarkGFM
import Foundation

/// GitHub-flavoured Markdown through cmark-gfm. Raw HTML is never passed through (cmark's safe
/// mode replaces it with a comment and drops `javascript:`, `vbscript:`, `file:` and most
/// `data:` links), so creator text cannot inject script.
enum Markdown {
    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    // Registration mutates a global list in Debian's cmark-gfm, so it runs once, lazily.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    static func html(_ markdown: String) -> String {
        precondition(registered)
        let options = CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Plain text of the first paragraph, for descriptions, feeds and JSON-LD.
    static func summary(_ markdown: String, limit: Int = 200) -> String {
        precondition(registered)
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return "" }
        defer { cmark_parser_free(parser) }
        markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        var node = cmark_node_first_child(document)
        while let current = node, cmark_node_get_type(current) != CMARK_NODE_PARAGRAPH {
            node = cmark_node_next(current)
        }
        guard let paragraph = node, let iterator = cmark_iter_new(paragraph) else { return "" }
        defer { cmark_iter_free(iterator) }
        // Only text and code spans: inline raw HTML never reaches descriptions or feeds.
        var text = ""
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(current) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                break
            }
        }
        let plain = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard plain.count > limit else { return plain }
        let cut = plain.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + "…"
    }
}
