import Foundation

/// Everything that can make a publish, rollback or listing fail. Each case names the key or
/// path involved; none ever carries a credential.
public enum PublishError: Error, CustomStringConvertible, Sendable {
    /// The store refused the credentials or the signature.
    case authentication(target: String, code: String, message: String)
    /// A request failed for good (4xx other than auth, or an unexpected answer).
    case request(target: String, operation: String, key: String, status: Int, code: String?, message: String)
    /// The endpoint cannot be reached at all: connection refused, no such host.
    case unreachable(target: String, operation: String, key: String, reason: String)
    /// The publish (or rollback, or listing) ran past `publish.deadline` and was stopped.
    case deadlineExceeded(operation: String, seconds: TimeInterval)
    /// A transient failure kept happening until the attempts ran out.
    case retriesExhausted(target: String, operation: String, key: String, attempts: Int, lastError: String)
    /// A create-only key already holds different bytes.
    case conflict(key: String, reason: String)
    case verificationFailed([VerifyMismatch])
    case tooManyDeletes(count: Int, limit: Int)
    case manifestMissing(path: String)
    case manifestInvalid(path: String, cause: String)
    case localFile(path: String, cause: String)
    case sizeMismatch(path: String, expected: Int, actual: Int)
    case hashMismatch(path: String, expected: String, actual: String)
    case missingCredentials([String])
    case noDeploys(target: String)
    case unknownDeploy(id: String, known: [String])
    case deployIncomplete(id: String, missing: [String])
    case recordInvalid(key: String, cause: String)
    case purgeFailed(url: String, cause: String)
    case invalidTarget(String)

    public var description: String {
        switch self {
        case let .authentication(target, code, message):
            let text = message.hasSuffix(".") ? String(message.dropLast()) : message
            return "authentication failed at \(target) (\(code)): \(text). Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN, AWS_REGION)."
        case let .request(target, operation, key, status, code, message):
            return "\(operation) '\(key)' at \(target) failed: HTTP \(status)\(code.map { " \($0)" } ?? "")\(message.isEmpty ? "" : ": \(message)")"
        case let .unreachable(target, operation, key, reason):
            return "cannot reach \(target): \(reason) (\(operation) '\(key)'); check the target's endpoint (or AWS_ENDPOINT_URL_S3) and that the store is running"
        case let .deadlineExceeded(operation, seconds):
            return "\(operation) did not finish within \(PublishConfig.durationText(seconds)) (publish.deadline) and was stopped; run it again to finish"
        case let .retriesExhausted(target, operation, key, attempts, lastError):
            return "\(operation) '\(key)' at \(target) still failing after \(attempts) attempts: \(lastError)"
        case let .conflict(key, reason):
            return "'\(key)' already exists on the target with different content (\(reason)); content-hashed files are never overwritten"
        case let .verificationFailed(mismatches):
            let lines = mismatches.prefix(20).map { "  \($0)" }.joined(separator: "\n")
            return "verification failed for \(mismatches.count) object(s):\n\(lines)"
        case let .tooManyDeletes(count, limit):
            return "prune would delete \(count) objects, more than max_deletes (\(limit)); run again with --yes to allow it"
        case let .manifestMissing(path):
            return "no build manifest at \(path): run `dropgen build` first"
        case let .manifestInvalid(path, cause):
            return "\(path): invalid build manifest: \(cause)"
        case let .localFile(path, cause):
            return "\(path): \(cause)"
        case let .sizeMismatch(path, expected, actual):
            return "\(path): size \(actual) differs from the manifest (\(expected)); rebuild before publishing"
        case let .hashMismatch(path, expected, actual):
            return "\(path): sha256 \(actual) differs from the manifest (\(expected)); rebuild before publishing"
        case let .missingCredentials(names):
            return "missing credentials: set \(names.joined(separator: " and ")) in the environment"
        case let .noDeploys(target):
            return "no deploys on \(target) yet"
        case let .unknownDeploy(id, known):
            return "no deploy '\(id)' (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case let .deployIncomplete(id, missing):
            return "deploy \(id) cannot be made live: \(missing.count) of its objects are gone (\(missing.prefix(5).joined(separator: ", ")))"
        case let .recordInvalid(key, cause):
            return "\(key): unreadable deploy record: \(cause)"
        case let .purgeFailed(url, cause):
            return "CDN purge via \(url) failed: \(cause)"
        case let .invalidTarget(message):
            return message
        }
    }
}

/// One difference between what was uploaded and what the target reports.
public struct VerifyMismatch: Sendable, Equatable, CustomStringConvertible, Codable {
    public var key: String
    public var field: String
    public var expected: String
    public var actual: String

    public var description: String { "\(key): \(field) is '\(actual)', expected '\(expected)'" }
}
