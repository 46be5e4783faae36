import Mustache

// Temporary: swift-mustache behind the TemplateLibrary interface until TemplateEngine lands.
struct TemplateLibrary: Sendable {
    let library: MustacheLibrary
    init(_ sources: [String: String]) throws(BuildFailed) { library = try Templates.library(sources) }
    func render(_ name: String, _ value: TemplateValue) -> String? { library.render(value.any, withTemplate: name) }
}

extension TemplateValue {
    var any: Any {
        switch self {
        case .string(let s): return s
        case .int(let i): return i
        case .bool(let b): return b
        case .list(let l): return l.map(\.any)
        case .object(let o): return o.mapValues(\.any)
        }
    }
}
