/// A YAML node as dropgen reads it: a scalar's text and quoting style, and where each node
/// starts. The fast path (`SimpleYAML`) builds these itself; on the fallback path Yams' nodes
/// are wrapped (`YAMLNode+Yams.swift`). The field reader (`YAMLFields`) takes nothing else,
/// so which parser read a document is invisible past `YAMLSource.compose`.
public enum YAMLNode: Equatable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    /// A place in the document: line from 1, column from 1 counted in Unicode scalars (as
    /// libyaml counts them).
    public struct Mark: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        /// `3:7`, as Yams writes its marks.
        public var description: String { "\(line):\(column)" }
    }

    public struct Scalar: Equatable {
        /// How the scalar was written; a plain one may be null (`~`, `null`, nothing).
        public enum Style: Sendable {
            case any, plain, singleQuoted, doubleQuoted, literal, folded
        }

        public var string: String
        public var style: Style
        public var mark: Mark?

        public init(_ string: String, _ style: Style, _ mark: Mark?) {
            self.string = string
            self.style = style
            self.mark = mark
        }
    }

    /// Key–value pairs in the document's order, duplicates and all.
    public struct Mapping: RandomAccessCollection, Equatable {
        public typealias Element = (key: YAMLNode, value: YAMLNode)
        let storage: Storage
        public var mark: Mark?

        enum Storage {
            case pairs([Element])
            case yams(YamsMapping)
        }

        public init(_ pairs: [Element], _ mark: Mark?) {
            storage = .pairs(pairs)
            self.mark = mark
        }

        init(yams mapping: YamsMapping, mark: Mark?) {
            storage = .yams(mapping)
            self.mark = mark
        }

        public var startIndex: Int { 0 }

        public var endIndex: Int {
            switch storage {
            case .pairs(let pairs): pairs.count
            case .yams(let mapping): mapping.count
            }
        }

        public subscript(index: Int) -> Element {
            switch storage {
            case .pairs(let pairs): return pairs[index]
            case .yams(let mapping):
                let pair = mapping[index]
                return (YAMLNode(pair.key), YAMLNode(pair.value))
            }
        }

        /// The same pairs and mark, whichever parser made them.
        public static func == (a: Mapping, b: Mapping) -> Bool {
            a.mark == b.mark && a.elementsEqual(b) { $0.key == $1.key && $0.value == $1.value }
        }

        /// The value of the first key whose text is `key`.
        public subscript(key: String) -> YAMLNode? {
            first { $0.key.string == key }?.value
        }
    }

    public struct Sequence: RandomAccessCollection, Equatable {
        let storage: Storage
        public var mark: Mark?

        enum Storage {
            case items([YAMLNode])
            case yams(YamsSequence)
        }

        public init(_ items: [YAMLNode], _ mark: Mark?) {
            storage = .items(items)
            self.mark = mark
        }

        init(yams sequence: YamsSequence, mark: Mark?) {
            storage = .yams(sequence)
            self.mark = mark
        }

        public var startIndex: Int { 0 }

        public var endIndex: Int {
            switch storage {
            case .items(let items): items.count
            case .yams(let sequence): sequence.count
            }
        }

        public subscript(index: Int) -> YAMLNode {
            switch storage {
            case .items(let items): items[index]
            case .yams(let sequence): YAMLNode(sequence[index])
            }
        }

        /// The same items and mark, whichever parser made them.
        public static func == (a: Sequence, b: Sequence) -> Bool {
            a.mark == b.mark && a.elementsEqual(b)
        }
    }

    public var scalar: Scalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    public var mapping: Mapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    public var sequence: Sequence? {
        if case .sequence(let sequence) = self { return sequence }
        return nil
    }

    /// A scalar's text; nil for a list or a mapping.
    public var string: String? { scalar?.string }

    public var mark: Mark? {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let sequence): sequence.mark
        }
    }

    /// A plain `~`, `null` or nothing: a key given no value, read as if it were absent.
    public var isNull: Bool {
        if case .scalar(let scalar) = self, scalar.style == .plain {
            return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
        }
        return false
    }

    /// What was found, for "expected …, got …": `"24"`, `a mapping`, `a list`.
    public var described: String {
        switch self {
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }
}
