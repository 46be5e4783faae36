import Foundation
import SiteManifest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One page of a ListObjectsV2 answer.
struct ListBucketResult: Equatable {
    struct Item: Equatable {
        var key: String
        var size: Int
        var etag: String?
        var lastModified: Date?
    }

    var contents: [Item] = []
    var isTruncated = false
    var nextContinuationToken: String?

    static func parse(_ data: Data) throws -> ListBucketResult {
        let tree = try XMLTree.parse(data)
        guard tree.name == "ListBucketResult" else {
            throw PublishError.request(target: "S3", operation: "LIST", key: "", status: 200, code: nil,
                                       message: "unexpected XML root <\(tree.name)>")
        }
        var result = ListBucketResult()
        result.isTruncated = tree.child("IsTruncated")?.text == "true"
        result.nextContinuationToken = tree.child("NextContinuationToken")?.text
        for node in tree.children where node.name == "Contents" {
            guard let key = node.child("Key")?.text else { continue }
            result.contents.append(Item(key: key, size: Int(node.child("Size")?.text ?? "") ?? 0,
                                        etag: node.child("ETag")?.text.map(S3Target.unquote),
                                        lastModified: node.child("LastModified")?.text.flatMap(RFC3339.parse)))
        }
        return result
    }
}

/// `<Error><Code>…</Code><Message>…</Message></Error>`
struct S3ErrorBody: Equatable {
    var code: String
    var message: String?

    static func parse(_ data: Data) -> S3ErrorBody? {
        guard !data.isEmpty, let tree = try? XMLTree.parse(data), tree.name == "Error",
              let code = tree.child("Code")?.text else { return nil }
        return S3ErrorBody(code: code, message: tree.child("Message")?.text)
    }
}

/// A small element tree built with Foundation's XMLParser: enough for S3's answers.
final class XMLTree {
    let name: String
    var children: [XMLTree] = []
    /// The text of a leaf element ("" when empty); nil for an element with children.
    var text: String? { children.isEmpty ? textBuffer : nil }
    fileprivate var textBuffer = ""

    init(name: String) { self.name = name }

    func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    static func parse(_ data: Data) throws -> XMLTree {
        // S3 answers in UTF-8. FoundationXML traps on a tag name that is not valid UTF-8 (libxml2
        // hands the bytes on as they are), so a broken or hostile endpoint could crash a publish:
        // such a body is refused before it is parsed (found by fuzzing).
        guard String(validating: data, as: UTF8.self) != nil else {
            throw PublishError.request(target: "S3", operation: "XML", key: "", status: 200, code: nil,
                                       message: "unreadable XML: not UTF-8")
        }
        // FoundationXML also crashes on a processing instruction without data (`<?xml?>`, `<?x?>`).
        // S3 sends none but the XML declaration, which starts the body and names its version.
        if let problem = processingInstruction(in: data) {
            throw PublishError.request(target: "S3", operation: "XML", key: "", status: 200, code: nil,
                                       message: "unreadable XML: \(problem)")
        }
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw PublishError.request(target: "S3", operation: "XML", key: "", status: 200, code: nil,
                                       message: "unreadable XML: \(parser.parserError.map { "\($0)" } ?? "empty")")
        }
        return root
    }

    /// What is wrong with the body's `<?` sequences: only a declaration `<?xml version…` at the
    /// very start (after an optional byte order mark) is allowed.
    private static func processingInstruction(in data: Data) -> String? {
        let bytes = [UInt8](data)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<") && bytes[index + 1] == UInt8(ascii: "?") {
                let declaration = Array("<?xml".utf8)
                let isDeclaration = index == start && bytes[index...].starts(with: declaration)
                    && index + 5 < bytes.count && [0x20, 0x09, 0x0D, 0x0A].contains(bytes[index + 5])
                if !isDeclaration { return index == start ? "an XML declaration without a version" : "a processing instruction" }
            }
            index += 1
        }
        return nil
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            let node = XMLTree(name: elementName)
            stack.last?.children.append(node)
            if root == nil { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard let node = stack.last else { return }
            node.textBuffer += string
        }
    }
}
