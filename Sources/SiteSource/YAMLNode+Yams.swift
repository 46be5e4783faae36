import Yams

typealias YamsMapping = Yams.Node.Mapping
typealias YamsSequence = Yams.Node.Sequence

extension YAMLNode {
    /// Yams' node, wrapped one level at a time: a list or mapping converts its items as they
    /// are read. Yams shares the storage of a node an alias repeats, so converting a whole tree
    /// up front would multiply a document of nested aliases out; read lazily, it costs what
    /// the reader looks at, as reading Yams' tree did. Only Yams' public API is used.
    init(_ node: Yams.Node) {
        switch node {
        case .scalar(let scalar):
            self = .scalar(Scalar(scalar.string, Scalar.Style(scalar.style), scalar.mark.map(Mark.init)))
        case .mapping(let mapping):
            self = .mapping(Mapping(yams: mapping, mark: mapping.mark.map(Mark.init)))
        case .sequence(let sequence):
            self = .sequence(Sequence(yams: sequence, mark: sequence.mark.map(Mark.init)))
        case .alias(let alias):
            // Yams' composer puts the node an alias names in its place; `.alias` nodes are only
            // made for emitting. Shown as written, should one ever arrive.
            self = .scalar(Scalar("*\(alias.anchor.rawValue)", .any, alias.mark.map(Mark.init)))
        }
    }
}

extension YAMLNode.Mark {
    init(_ mark: Yams.Mark) { self.init(line: mark.line, column: mark.column) }
}

extension YAMLNode.Scalar.Style {
    init(_ style: Yams.Node.Scalar.Style) {
        switch style {
        case .any: self = .any
        case .plain: self = .plain
        case .singleQuoted: self = .singleQuoted
        case .doubleQuoted: self = .doubleQuoted
        case .literal: self = .literal
        case .folded: self = .folded
        }
    }
}
