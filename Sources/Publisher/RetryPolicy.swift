import Foundation
import NIOCore
import NIOPosix

/// Bounded retries with exponential backoff and jitter, honouring `Retry-After`.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` that is obeyed as is; longer ones are cut to this.
    public var maxRetryAfter: TimeInterval

    public init(maxAttempts: Int = 6, baseDelay: TimeInterval = 0.2, maxDelay: TimeInterval = 10,
                maxRetryAfter: TimeInterval = 30) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Delay before attempt `attempt + 1` (attempt counts from 1): "equal jitter" between half
    /// and all of `base * 2^(attempt-1)`, capped; a server's `Retry-After` wins when given.
    public func delay(afterAttempt attempt: Int, retryAfter: TimeInterval?,
                      random: Double = Double.random(in: 0...1)) -> TimeInterval {
        if let retryAfter, retryAfter >= 0 { return min(retryAfter, maxRetryAfter) }
        let exponential = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return exponential / 2 + exponential / 2 * random
    }

    /// HTTP statuses worth another try: throttling and server-side failures.
    public static func isRetryable(status: Int, code: String?) -> Bool {
        if status == 429 || status >= 500 { return true }
        if let code, ["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling",
                      "ThrottlingException", "RequestTimeTooSkewed"].contains(code) && status != 403 {
            return true
        }
        return false
    }

    /// What another attempt can do about a request that failed without an HTTP answer.
    public enum Failure: Sendable, Equatable {
        /// The endpoint cannot be reached at all (refused, no such host, no route): retrying
        /// would only wait, so the publish fails at once, saying why.
        case unreachable(String)
        /// May heal: a connection reset or closed mid-request, a timeout, anything unknown.
        case transient
    }

    /// Sorts an error from the HTTP client. Only failures to reach the endpoint are final; the
    /// rest are retried (HTTP answers go through `isRetryable(status:code:)`).
    public static func classify(_ error: any Error) -> Failure {
        switch error {
        case let error as NIOConnectionError:
            // Every address of the host refused or was unreachable, or the name did not resolve.
            if !error.connectionErrors.isEmpty {
                let reasons = error.connectionErrors.map { classify($0.error) }
                if let first = reasons.first, reasons.allSatisfy({ $0 == first }), case .unreachable = first { return first }
                return .transient
            }
            return error.dnsAError != nil || error.dnsAAAAError != nil ? .unreachable("no such host \(error.host)") : .transient
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return .unreachable("connection refused")
            case ENETUNREACH, EHOSTUNREACH: return .unreachable("no route to the host")
            case EADDRNOTAVAIL: return .unreachable("address not available")
            default: return .transient
            }
        case let error as SocketAddressError:
            if case .unknown(let host, _) = error { return .unreachable("no such host \(host)") }
            return .unreachable("\(error)")
        default:
            return .transient
        }
    }

    /// `Retry-After` as seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String?, now: Date = Date()) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        if let date = HTTPDate.parse(value) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }
}

enum HTTPDate {
    /// RFC 7231 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
