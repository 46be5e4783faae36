import Foundation
import HTTPTypes
import Hummingbird
import StockLedger

/// Answers `dropgen live`'s requests: the three webhook routes and `GET /healthz`. A delivery is
/// answered 2xx only once its events are in the journal on disk; until then nothing it says has
/// changed anything.
///
/// | answer | when |
/// |---|---|
/// | 202 `{"accepted": N}` | N new events journaled (and queued for the next batch) |
/// | 200 `{"duplicate": true}` | every event id was journaled before |
/// | 200 `{"ignored": "…"}` | a verified delivery that changes no stock (another event type or topic) |
/// | 400 | not JSON, or not the route's shape (the reason says which field) |
/// | 401 | a signature missing, wrong or (Stripe) too old |
/// | 404 | no such route, or a route whose secret variable is not set |
/// | 413 | a body over `maxBodyBytes` (1 MB), refused without reading more of it |
/// | 422 | a drop the site does not have |
/// | 503 | the journal could not be written: nothing was accepted, the sender retries |
struct LiveResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let sink: any StockSink
    let journal: JournalWriter
    let secrets: WebhookSecrets
    let seen: SeenEvents
    let coalescer: Coalescer
    let status: LiveStatus
    let clock: LiveClock
    let logger: LiveLogger
    let maxBodyBytes: Int
    let stripeTolerance: TimeInterval

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" {
            guard request.method == .get || request.method == .head else { return Self.methodNotAllowed("GET, HEAD") }
            let response = Self.json(.ok, status.json(routes: routesOn))
            return request.method == .head ? response.createHeadResponse() : response
        }
        guard let route = WebhookRoute(path: path) else { return Self.json(.notFound, ["error": "not found"]) }
        guard request.method == .post else { return Self.methodNotAllowed("POST") }
        guard let secret = secrets[route] else {
            logger.line(["route": route.path, "status": "404", "reason": "\(route.secretVariable) is not set; the route is off"])
            return Self.json(.notFound, ["error": "not found"])
        }
        return await deliver(request, to: route, secret: secret)
    }

    var routesOn: [WebhookRoute: Bool] {
        Dictionary(uniqueKeysWithValues: WebhookRoute.allCases.map { ($0, secrets[$0] != nil) })
    }

    private func deliver(_ request: Request, to route: WebhookRoute, secret: WebhookSecret) async -> Response {
        func refuse(_ status: HTTPResponse.Status, _ reason: String) -> Response {
            logger.line(["route": route.path, "status": String(status.code), "reason": reason])
            return Self.json(status, ["error": reason])
        }
        // A declared length over the limit is refused before a byte of the body is read; an
        // undeclared (chunked) one is read up to the limit and no further.
        if let declared = request.headers[.contentLength], let length = Int(declared), length > maxBodyBytes {
            return refuse(.contentTooLarge, "the body is \(length) bytes, over the limit of \(maxBodyBytes)")
        }
        let body: Data
        do {
            let buffer = try await request.body.collect(upTo: maxBodyBytes)
            body = Data(buffer.readableBytesView)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            return refuse(.contentTooLarge, "the body is over the limit of \(maxBodyBytes) bytes")
        } catch {
            return refuse(.badRequest, "the body could not be read")
        }

        let now = clock.now()
        let payload: WebhookRoute.Payload
        do throws(WebhookRejection) {
            payload = try route.receive(body: body, header: { name in HTTPField.Name(name).flatMap { request.headers[$0] } },
                                        secret: secret, now: now, stripeTolerance: stripeTolerance)
        } catch {
            switch error.kind {
            case .unauthorized: return refuse(.unauthorized, error.reason)
            case .malformed: return refuse(.badRequest, error.reason)
            }
        }
        let events: [StockEvent]
        switch payload {
        case .ignored(let what):
            logger.line(["route": route.path, "status": "200", "outcome": "ignored", "reason": what])
            return Self.json(.ok, ["ignored": what])
        case .events(let list):
            events = list
        }

        for event in events {
            guard await !sink.knows(drop: event.drop) else { continue }
            logger.line(["route": route.path, "event": event.id, "drop": event.drop, "change": event.change.logText,
                         "outcome": "unknown drop", "status": "422"])
            return Self.json(.unprocessableContent, ["error": "unknown drop \"\(event.drop)\""])
        }

        let claimed = Set(await seen.claim(events.map(\.id)))
        var written: Set<String> = []
        let fresh = events.filter { claimed.contains($0.id) && written.insert($0.id).inserted }
        if !fresh.isEmpty {
            do {
                try await journal.append(fresh)
            } catch {
                await seen.settle(Array(claimed), durable: false)
                logger.line(["route": route.path, "status": "503", "events": String(fresh.count),
                             "reason": "the journal could not be written: \(Coalescer.describe(error))"])
                return Self.json(.serviceUnavailable, ["error": "the event could not be stored; try again"])
            }
            await seen.settle(Array(claimed), durable: true)
            await coalescer.submit(fresh)
        }
        for event in events {
            logger.line(["route": route.path, "event": event.id, "drop": event.drop, "change": event.change.logText,
                         "outcome": claimed.contains(event.id) ? "journaled" : "duplicate"])
        }
        return fresh.isEmpty ? Self.json(.ok, ["duplicate": true]) : Self.json(.accepted, ["accepted": fresh.count])
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return json(status, data + Data("\n".utf8))
    }

    static func json(_ status: HTTPResponse.Status, _ data: Data) -> Response {
        Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func methodNotAllowed(_ allow: String) -> Response {
        var response = json(.methodNotAllowed, ["error": "method not allowed"])
        response.headers[.allow] = allow
        return response
    }
}
