import AsyncHTTPClient
import Foundation
import NIOCore

/// Tells a CDN which pages changed after a deploy, with `{"deploy_id": …, "urls": [...]}`:
/// POSTed as JSON to a URL, or given on standard input to a shell command.
public struct PurgeHook: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case post(url: String)
        /// Run with `/bin/sh -c`; `DROPGEN_DEPLOY_ID` is set; a non-zero exit is a failure.
        case command(String)
    }

    public var action: Action
    /// The site's public base URL; without it the URLs are root-relative paths.
    public var baseURL: String?
    public var timeout: TimeInterval

    public init(action: Action, baseURL: String? = nil, timeout: TimeInterval = 30) {
        self.action = action
        self.baseURL = baseURL
        self.timeout = timeout
    }

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
        let body = try JSONCoding.encode(Body(deployID: deployID, urls: urls))
        switch action {
        case let .post(url):
            try await post(body, to: url)
        case let .command(command):
            try await run(command, input: body, deployID: deployID)
        }
        return urls
    }

    func post(_ body: Data, to url: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(body)
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
    }

    func run(_ command: String, input: Data, deployID: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["DROPGEN_DEPLOY_ID"] = deployID
        process.environment = environment
        let stdin = Pipe()
        process.standardInput = stdin
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: PublishError.purgeFailed(url: command, cause: "\(error)"))
                return
            }
            // A command that does not read its input is fine: a broken pipe is ignored (and
            // must not kill the process with SIGPIPE).
            signal(SIGPIPE, SIG_IGN)
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        if status != 0 { throw PublishError.purgeFailed(url: command, cause: "exit status \(status)") }
    }
}
