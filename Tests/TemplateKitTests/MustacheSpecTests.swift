import Foundation
import Testing
import TemplateKit

/// Every case of the official Mustache spec (MustacheSpec/, see its README) against the engine.
/// A case the engine deliberately does not pass is listed in `unsupported` with the reason; the
/// test fails when a listed case passes (take it off the list) or an unlisted one fails, so the
/// number of passing cases can only go up.
@Suite struct MustacheSpecTests {
    static let files = ["comments", "delimiters", "interpolation", "inverted", "partials", "sections", "~inheritance"]

    /// "file: case name" → why the engine does not pass it.
    static let unsupported: [String: String] = [
        "interpolation: Basic Decimal Interpolation": noDecimals,
        "interpolation: Triple Mustache Decimal Interpolation": noDecimals,
        "interpolation: Ampersand Decimal Interpolation": noDecimals,
        "sections: Implicit Iterator - Decimal": noDecimals,
        "interpolation: Basic Null Interpolation": noNull,
        "interpolation: Triple Mustache Null Interpolation": noNull,
        "interpolation: Ampersand Null Interpolation": noNull,
        "inverted: Null is falsey": noNull,
        "sections: Null is falsey": noNull,
        "partials: Recursion": noLoops,
        "~inheritance: Recursion": noLoops,
        "~inheritance: Intrinsic indentation": blockIndentation,
        "~inheritance: Nested block reindentation": blockIndentation,
    ]
    static let noDecimals = "TemplateValue has no decimal numbers (dropgen passes prices and figures as formatted strings)"
    static let noNull = "TemplateValue has no null; a missing key is what a template sees as null"
    static let noLoops = "partials that include each other are refused when the library is made, even where the data would end the recursion"
    static let blockIndentation = "as swift-mustache 2.x (reproduced byte for byte), an override keeps its own indentation; it is not re-indented to the block's default content"

    // MARK: - Cases

    /// A JSON value as the spec writes data.
    enum JSON: Decodable, Sendable {
        case null, bool(Bool), int(Int), decimal(Double), string(String), list([JSON]), object([String: JSON])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
            else if let number = try? container.decode(Int.self) { self = .int(number) }
            else if let number = try? container.decode(Double.self) { self = .decimal(number) }
            else if let text = try? container.decode(String.self) { self = .string(text) }
            else if let items = try? container.decode([JSON].self) { self = .list(items) }
            else { self = .object(try container.decode([String: JSON].self)) }
        }

        /// nil for what a `TemplateValue` cannot hold: null and decimal numbers.
        var value: TemplateValue? {
            switch self {
            case .null, .decimal: return nil
            case .bool(let flag): return .bool(flag)
            case .int(let number): return .int(number)
            case .string(let text): return .string(text)
            case .list(let items):
                let values = items.compactMap(\.value)
                return values.count == items.count ? .list(values) : nil
            case .object(let fields):
                let values = fields.compactMapValues(\.value)
                return values.count == fields.count ? .object(values) : nil
            }
        }
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var file = ""
        var name: String
        var data: JSON
        var template: String
        var partials: [String: String]?
        var expected: String

        private enum CodingKeys: String, CodingKey { case name, data, template, partials, expected }

        /// "file: name", as `unsupported` lists it.
        var id: String { "\(file): \(name)" }
        var testDescription: String { id }
    }

    private struct SpecFile: Decodable { var tests: [Case] }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("MustacheSpec")

    static let cases: [Case] = files.flatMap { file -> [Case] in
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("\(file).json").path),
              let spec = try? JSONDecoder().decode(SpecFile.self, from: data) else { return [] }
        return spec.tests.map { var test = $0; test.file = file; return test }
    }

    /// What the engine makes of a case: nil when it renders `expected`, else what went wrong.
    static func failure(_ test: Case) -> String? {
        guard let value = test.data.value else { return "the data has a null or a decimal number" }
        // A name no tag can refer to (partial names have no spaces).
        let main = "spec template"
        var sources = test.partials ?? [:]
        sources[main] = test.template
        do throws(TemplateErrors) {
            let output = try TemplateLibrary(sources).render(main, value)
            return output == test.expected ? nil : "rendered \(output.debugDescription), expected \(test.expected.debugDescription)"
        } catch {
            return "refused: " + error.errors.map(\.description).joined(separator: "; ")
        }
    }

    // MARK: - Tests

    @Test(arguments: cases)
    func specCase(_ test: Case) {
        let failure = Self.failure(test)
        if let reason = Self.unsupported[test.id] {
            #expect(failure != nil, "\(test.id) passes now; take it off `unsupported` (\(reason))")
        } else {
            #expect(failure == nil, "\(test.id): \(failure ?? "")")
        }
    }

    @Test func everyFileIsReadAndEveryListedCaseExists() {
        let read = Set(Self.cases.map(\.file))
        #expect(read == Set(Self.files))
        let ids = Set(Self.cases.map(\.id))
        #expect(Set(Self.unsupported.keys).subtracting(ids).isEmpty)
    }

    /// `swift test --filter MustacheSpecTests/counts`: passed / not supported, per spec file.
    @Test func counts() {
        for file in Self.files {
            let cases = Self.cases.filter { $0.file == file }
            let listed = cases.filter { Self.unsupported[$0.id] != nil }.count
            print("mustache spec \(file).json: \(cases.count - listed) passed, \(listed) not supported")
        }
        #expect(Self.cases.count > Self.unsupported.count)
    }
}
