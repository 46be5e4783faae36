import Foundation

/// The wall clock and the sleep of the live server, injected so tests run a day of transitions
/// in no time: `now` stamps events, judges Stripe's timestamps and says when a transition is
/// due; `sleep` waits (the coalescing window, retries, the wait for the next transition) and
/// throws when its task is cancelled.
public struct LiveClock: Sendable {
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (Duration) async throws -> Void

    public init(now: @escaping @Sendable () -> Date, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    public static let system = LiveClock(now: { Date() }, sleep: { try await Task.sleep(for: $0) })
}

/// Waits between attempts after a failure: `initial`, doubled per failure, at most `maximum`.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait after the `failures`-th failure in a row (1 for the first).
    public func delay(after failures: Int) -> Duration {
        var delay = initial
        for _ in 1..<max(1, min(failures, 32)) where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }
}

extension Date {
    /// From now until `self`, 0 when it has passed.
    func duration(since now: Date) -> Duration {
        let seconds = timeIntervalSince(now)
        guard seconds > 0 else { return .zero }
        return .milliseconds(Int64((min(seconds, 86_400 * 365) * 1000).rounded(.up)))
    }
}
