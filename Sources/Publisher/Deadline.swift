import Foundation

extension Publisher {
    /// Runs `body` (a publish, rollback or listing through this publisher) within
    /// `config.deadline`: past it, `body` is cancelled, and once it has stopped the call fails
    /// with `PublishError.deadlineExceeded`. Retries with backoff never outlast it.
    public func withinDeadline<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Publisher) async throws -> T) async throws -> T {
        try await Self.withDeadline(config.deadline, operation: operation) { try await body(self) }
    }

    static func withDeadline<T: Sendable>(_ seconds: TimeInterval, operation: String,
                                          _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        return try await withThrowingTaskGroup(of: DeadlineOutcome<T>.self) { group in
            group.addTask { .finished(try await body()) }
            group.addTask {
                // Duration's range ends near 292 years; no deadline needs more.
                try await Task.sleep(for: .seconds(min(seconds, 1e9)))
                return .timedOut
            }
            defer { group.cancelAll() }
            switch try await group.next()! {
            case .finished(let value):
                return value
            case .timedOut:
                group.cancelAll()
                // Wait for the work to stop: nothing may still be writing when this returns.
                while let _ = try? await group.next() {}
                throw PublishError.deadlineExceeded(operation: operation, seconds: seconds)
            }
        }
    }
}

private enum DeadlineOutcome<T: Sendable>: Sendable {
    case finished(T)
    case timedOut
}
