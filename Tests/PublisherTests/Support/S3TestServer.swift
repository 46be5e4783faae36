import Foundation
import Testing
@testable import Publisher

/// The SeaweedFS server that `scripts/s3-server.sh start` runs, found through the environment
/// (`source /tmp/dropgen-s3/env`). Under CI the variables must be there: a missing server is a
/// failure, never a silent skip.
enum S3TestServer {
    struct Settings: Sendable {
        var endpoint: URL
        var faultEndpoint: URL?
        var accessKey: String
        var secretKey: String
        var bucket: String
    }

    static let settings: Settings? = {
        let env = ProcessInfo.processInfo.environment
        guard let endpoint = env["DROPGEN_TEST_S3_ENDPOINT"].flatMap(URL.init(string:)),
              let access = env["DROPGEN_TEST_S3_ACCESS_KEY"], let secret = env["DROPGEN_TEST_S3_SECRET_KEY"] else {
            return nil
        }
        return Settings(endpoint: endpoint, faultEndpoint: env["DROPGEN_TEST_S3_FAULT_ENDPOINT"].flatMap(URL.init(string:)),
                        accessKey: access, secretKey: secret, bucket: env["DROPGEN_TEST_S3_BUCKET"] ?? "site")
    }()

    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// Run S3 tests when the server is configured, and always under CI (where they then fail).
    static let shouldRun: Bool = {
        if settings != nil || inCI { return true }
        FileHandle.standardError.write(Data("""
        PublisherTests: S3 integration tests skipped: DROPGEN_TEST_S3_* not set. \
        Run `scripts/s3-server.sh start && source /tmp/dropgen-s3/env` (or `make test`).\n
        """.utf8))
        return false
    }()

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "CI is set but the S3 test server is not: DROPGEN_TEST_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY missing (make test starts it)"
        }
    }

    /// A target on its own fresh prefix, so tests never see each other's objects.
    static func target(prefix: String = "t-\(UUID().uuidString.prefix(8).lowercased())", secret: String? = nil,
                       throughFaultProxy: Bool = false, retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.05),
                       requestTimeout: TimeInterval = 30, pageSize: Int = 1000) throws -> S3Target {
        guard let settings else { throw Missing() }
        let endpoint = throughFaultProxy ? (settings.faultEndpoint ?? settings.endpoint) : settings.endpoint
        return S3Target(bucket: settings.bucket, prefix: prefix, endpoint: endpoint, region: "us-east-1", pathStyle: true,
                        accessKeyID: settings.accessKey, secretAccessKey: secret ?? settings.secretKey,
                        retry: retry, requestTimeout: requestTimeout, pageSize: pageSize)
    }
}
