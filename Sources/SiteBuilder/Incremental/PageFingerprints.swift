import Crypto
import Foundation
import SiteManifest
import TemplateKit

/// Each page's fingerprint, kept in the output folder as `.dropgen/pages` by the build that
/// wrote it. A page's bytes are a pure function of the template set, the asset map and the
/// page's template value, so a fingerprint (their hash) that matches the previous build's means
/// the previous file is still right and the page need not be rendered.
///
/// This is the build's dependency graph in content-addressed form: a drop's edit reaches exactly
/// the pages whose values include something of it (its page, its creator's page, the archive
/// page and tag pages listing it, the home page while it is featured), and a template edit
/// reaches every page.
public struct PageFingerprints: Sendable, Equatable {
    static let relativePath = ".dropgen/pages"
    /// Bumped whenever rendering changes in a way the value does not show.
    static let format = "dropgen-pages-2"

    private(set) var byPath: [String: String] = [:]

    public init() {}

    subscript(path: String) -> String? {
        get { byPath[path] }
        set { byPath[path] = newValue }
    }

    /// The part every fingerprint shares: rendering version, every template, the asset map.
    static func sharedInputs(templates: [String: String], assets: [String: String]) -> String {
        TemplateValue.list([.string(format), .object(templates.mapValues { .string($0) }), .object(assets.mapValues { .string($0) })])
            .digest()
    }

    static func fingerprint(shared: String, template: String, value: TemplateValue) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * 1024)
        TemplateValue.string(shared).serialize(into: &bytes)
        TemplateValue.string(template).serialize(into: &bytes)
        value.serialize(into: &bytes)
        return SHA256.hash(data: bytes).hex
    }

    /// One `<fingerprint> <path>` line per page, sorted by path.
    func encoded() -> Data {
        var text = RecordText()
        text.line(Self.format)
        for (path, fingerprint) in byPath.sorted(by: { $0.key < $1.key }) { text.line(fingerprint, path) }
        return text.data
    }

    /// The fingerprints of a previous build; empty when the file is missing or of another format.
    static func decode(_ data: Data) -> PageFingerprints {
        var result = PageFingerprints()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        guard lines.first == Substring(format) else { return result }
        for line in lines.dropFirst() {
            guard let space = line.firstIndex(of: " ") else { return PageFingerprints() }
            result.byPath[String(line[line.index(after: space)...])] = String(line[..<space])
        }
        return result
    }
}
