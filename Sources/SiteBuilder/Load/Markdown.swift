import CCmarkGFM
import Foundation

/// GitHub-flavoured Markdown through cmark-gfm. Raw HTML is never passed through (cmark's safe
/// mode replaces it with a comment and drops `javascript:`, `vbscript:`, `file:` and most
/// `data:` links), so creator text cannot inject script.
enum Markdown {
    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
    private static let htmlOptions = CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE

    // Registration mutates a global list in Debian's cmark-gfm, so it runs once, lazily.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    static func html(_ markdown: String) -> String {
        rendered(markdown, summaryLimit: nil).html
    }

    /// The HTML and the summary of one body, from one parse when the summary comes out the same.
    static func htmlAndSummary(_ markdown: String, limit: Int = 200) -> (html: String, summary: String) {
        let result = rendered(markdown, summaryLimit: limit)
        return (result.html, result.summary ?? summary(markdown, limit: limit))
    }

    /// Plain text of the first paragraph, for descriptions, feeds and JSON-LD. Read with cmark's
    /// default options: no smart punctuation, no extensions.
    static func summary(_ markdown: String, limit: Int = 200) -> String {
        precondition(registered)
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return "" }
        defer { cmark_parser_free(parser) }
        markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        return summary(of: firstParagraph(document), limit: limit)
    }

    /// The HTML, and with a `summaryLimit` the summary when the HTML's parse gives the same one
    /// as `summary` (nil otherwise).
    private static func rendered(_ markdown: String, summaryLimit: Int?) -> (html: String, summary: String?) {
        precondition(registered)
        guard let parser = cmark_parser_new(htmlOptions) else { return ("", nil) }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let document = cmark_parser_finish(parser) else { return ("", nil) }
        defer { cmark_node_free(document) }
        var summary: String?
        if let summaryLimit {
            let paragraph = firstParagraph(document)
            if parsesAlike(markdown, paragraph: paragraph) { summary = self.summary(of: paragraph, limit: summaryLimit) }
        }
        guard let rendered = cmark_render_html(document, htmlOptions, cmark_parser_get_syntax_extensions(parser)) else { return ("", summary) }
        defer { free(rendered) }
        return (String(cString: rendered), summary)
    }

    /// Whether the summary's plain parse finds the same first paragraph with the same text. The
    /// HTML's parse differs from it only through tables (`|`), footnotes (`[^`), smart
    /// punctuation (quotes, `--`, `...`), strikethrough (`~`) and autolinks (`://`, `www.`, `@`);
    /// a body using any of them, the last ones in its first paragraph's lines, is parsed again.
    private static func parsesAlike(_ markdown: String, paragraph: OpaquePointer?) -> Bool {
        let first = paragraph.map { Int(cmark_node_get_start_line($0)) } ?? 1
        let last = paragraph.map { Int(cmark_node_get_end_line($0)) } ?? 0
        var line = 1
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        for byte in markdown.utf8 {
            switch byte {
            case UInt8(ascii: "|"), UInt8(ascii: "\r"), 0: return false
            case UInt8(ascii: "^") where previous == UInt8(ascii: "["): return false
            case UInt8(ascii: "\n"): line += 1
            default:
                guard line >= first && line <= last else { break }
                switch byte {
                case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "~"), UInt8(ascii: "@"): return false
                case UInt8(ascii: "-") where previous == UInt8(ascii: "-"): return false
                case UInt8(ascii: ".") where previous == UInt8(ascii: ".") || (previous == UInt8(ascii: "w") && beforePrevious == UInt8(ascii: "w")):
                    return false
                case UInt8(ascii: "/") where previous == UInt8(ascii: "/") || previous == UInt8(ascii: ":"): return false
                default: break
                }
            }
            beforePrevious = previous
            previous = byte
        }
        return true
    }

    private static func firstParagraph(_ document: OpaquePointer) -> OpaquePointer? {
        var node = cmark_node_first_child(document)
        while let current = node, cmark_node_get_type(current) != CMARK_NODE_PARAGRAPH {
            node = cmark_node_next(current)
        }
        return node
    }

    private static func summary(of paragraph: OpaquePointer?, limit: Int) -> String {
        guard let paragraph, let iterator = cmark_iter_new(paragraph) else { return "" }
        defer { cmark_iter_free(iterator) }
        // Only text and code spans: inline raw HTML never reaches descriptions or feeds.
        var text: [UInt8] = []
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(current) {
                    text.append(contentsOf: UnsafeBufferPointer(start: UnsafeRawPointer(literal).assumingMemoryBound(to: UInt8.self), count: strlen(literal)))
                }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text.append(UInt8(ascii: " "))
            default:
                break
            }
        }
        return SummaryText.collapsed(text, limit: limit)
    }
}

/// A summary's words joined by single spaces and cut at a word before `limit` characters.
enum SummaryText {
    static func collapsed(_ bytes: [UInt8], limit: Int) -> String {
        // ASCII text is one character per byte, and its whitespace characters are these bytes;
        // other text goes through Character.isWhitespace as it always has.
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return collapsed(String(decoding: bytes, as: UTF8.self), limit: limit) }
        var plain: [UInt8] = []
        plain.reserveCapacity(bytes.count)
        var pendingSpace = false
        for byte in bytes {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                pendingSpace = !plain.isEmpty
            } else {
                if pendingSpace { plain.append(0x20); pendingSpace = false }
                plain.append(byte)
            }
        }
        guard plain.count > limit else { return String(decoding: plain, as: UTF8.self) }
        let cut = plain[..<limit]
        let end = cut.lastIndex(of: 0x20) ?? cut.endIndex
        return String(decoding: cut[..<end], as: UTF8.self) + "…"
    }

    static func collapsed(_ text: String, limit: Int) -> String {
        let plain = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard plain.count > limit else { return plain }
        let cut = plain.prefix(limit)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + "…"
    }
}
