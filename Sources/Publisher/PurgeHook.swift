import AsyncHTTPClient
import Foundation
import NIOCore

/// Tells a CDN which pages changed: one POST of `{"deploy_id": …, "urls": [...]}` as JSON.
struct PurgeHook: Sendable {
    var url: String
    var baseURL: String?
    var timeout: TimeInterval = 30

    /// The public URL of a page path: `drops/a/index.html` → `<base>/drops/a/`.
    static func publicURL(for path: String, baseURL: String?) -> String {
        var page = "/" + path
        if page.hasSuffix("/index.html") { page = String(page.dropLast("index.html".count)) }
        guard let base = baseURL?.trimmingCharacters(in: CharacterSet(charactersIn: "/")), !base.isEmpty else { return page }
        return base + page
    }

    struct Body: Encodable {
        var deployID: String
        var urls: [String]
        enum CodingKeys: String, CodingKey {
            case urls
            case deployID = "deploy_id"
        }
    }

    /// Returns the URLs sent.
    func purge(paths: [String], deployID: String) async throws -> [String] {
        let urls = paths.map { Self.publicURL(for: $0, baseURL: baseURL) }.sorted()
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(try JSONCoding.encode(Body(deployID: deployID, urls: urls)))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout)))
            _ = try await response.body.collect(upTo: 1024 * 1024)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw PublishError.purgeFailed(url: url, cause: "HTTP \(response.status.code)")
            }
        } catch let error as PublishError {
            throw error
        } catch {
            throw PublishError.purgeFailed(url: url, cause: "\(error)")
        }
        return urls
    }
}
