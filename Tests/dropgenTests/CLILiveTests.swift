import Crypto
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `dropgen live` as a market runs it: the real binary on a loopback port, a signed webhook, a
/// `kill -9` right after the acknowledgement, and a restart that converges.
@Suite(.serialized) struct CLILiveTests {
    static let secret = "test-webhook-secret-\(UUID().uuidString)"

    /// A running `dropgen live`, its log, and the port it listens on.
    final class Server {
        let process = Process()
        let log: URL

        init(site: URL) throws {
            log = FileManager.default.temporaryDirectory.appendingPathComponent("dropgen-live-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = CLITests.binary
            process.arguments = ["live", "--site", site.path, "--port", "0"]
            var environment = ProcessInfo.processInfo.environment
            environment["DROPGEN_WEBHOOK_SECRET"] = CLILiveTests.secret
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
        }

        var text: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        /// The port from the `listening=` line, within 60 s.
        func port() async throws -> Int {
            let port = try await CLILiveTests.within(60, "dropgen live to listen:\n\(text)") {
                text.components(separatedBy: "listening=http://127.0.0.1:").dropFirst().first
                    .flatMap { Int($0.prefix { $0.isNumber }) }
            }
            return port
        }

        func kill(_ signal: Int32) {
            Foundation.kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }

        deinit {
            if process.isRunning { kill(SIGKILL) }
            try? FileManager.default.removeItem(at: log)
        }
    }

    /// Polls `body` every 50 ms until it returns a value, for at most `seconds`, without holding
    /// a thread of the test run's (two, on two cores) while it waits.
    static func within<T>(_ seconds: Double, _ what: @autoclosure () -> String, _ body: () throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try body() { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what())")
        throw CancellationError()
    }

    static func post(_ body: String, port: Int, signature: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/hooks/dropgen")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        request.setValue(signature ?? "sha256=" + mac.map { String(format: "%02x", $0) }.joined(),
                         forHTTPHeaderField: "X-Dropgen-Signature")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    static func remaining(_ root: URL) -> Int? {
        (try? CLIStockTests.liveEntry(root, "mugs"))??["remaining"] as? Int
    }

    @Test func aKilledServerReplaysItsJournalAndAppliesEachEventOnce() async throws {
        let root = try CLIStockTests.publishedSite()
        defer { try? FileManager.default.removeItem(at: root) }
        let sale = #"{"id": "order-1001", "drop": "mugs", "sold": 2}"#

        let first = try Server(site: root)
        let port = try await first.port()
        #expect(try await Self.post(sale, port: port, signature: "sha256=" + String(repeating: "0", count: 64)).0 == 401)
        #expect(try await Self.post(#"{"id": "x", "drop": "mgus", "sold": 1}"#, port: port).0 == 422)
        let (status, body) = try await Self.post(sale, port: port)
        #expect(status == 202 && body.contains("accepted"), "\(body)")
        // Acknowledged means journaled: killed now, before (or while) it publishes, nothing is lost.
        first.kill(SIGKILL)

        let second = try Server(site: root)
        let again = try await second.port()
        let left = try await Self.within(60, "the replayed sale at the edge:\n\(second.text)") { Self.remaining(root) == 22 ? 22 : nil }
        #expect(left == 22)
        // A redelivery of the same event is acknowledged and not applied again.
        // Acknowledged again: 200 while the restarted server still holds the id, 202 once its
        // journal has moved on (the ledger knows the id either way, checked by the count below).
        let redelivered = try await Self.post(sale, port: again)
        #expect(redelivered.0 == 200 || redelivered.0 == 202, "\(redelivered)")
        let next = try await Self.post(#"{"id": "order-1002", "drop": "mugs", "sold": 1}"#, port: again)
        #expect(next.0 == 202)
        _ = try await Self.within(60, "the second sale at the edge:\n\(second.text)") { Self.remaining(root) == 21 ? 21 : nil }
        second.kill(SIGTERM)
        #expect(second.process.terminationStatus == 0)
        #expect(second.text.contains("stopped=cleanly"))
        #expect(!second.text.contains(Self.secret) && !first.text.contains(Self.secret))
        #expect(CLIStockTests.edge(root, "drops/mugs/index.html").contains("21 of 24 left"))
    }
}
