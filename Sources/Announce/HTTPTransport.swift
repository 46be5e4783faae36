import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends with async-http-client's shared client: a bounded time per request and a bounded answer.
public struct HTTPTransport: AnnounceTransport {
    public var timeout: TimeAmount
    /// The most of an answer read: ids and errors are small.
    public static let maxResponseBytes = 1 << 20

    public init(timeout: TimeAmount = .seconds(20)) { self.timeout = timeout }

    /// The client retries a connection that fails for up to its connect timeout: what a channel
    /// that cannot be reached costs a run (once: the channel is then left for the next run).
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(
        timeout: .init(connect: .seconds(3), read: .seconds(20))))

    public func execute(_ request: OutboundRequest) async throws -> InboundResponse {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { outbound.headers.add(name: name, value: value) }
        outbound.headers.add(name: "user-agent", value: "dropgen-announce")
        outbound.body = .bytes(ByteBuffer(bytes: request.body))
        let response = try await Self.client.execute(outbound, timeout: timeout)
        let body = try await response.body.collect(upTo: Self.maxResponseBytes)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return InboundResponse(status: Int(response.status.code), headers: headers, body: Data(body.readableBytesView))
    }
}
