import Foundation

extension PublishConfig.Target {
    /// The target this entry describes; S3 credentials come from `environment` (the standard
    /// `AWS_*` variables), never from the config file. A folder target keeps clear of `site` and
    /// `build` (see `LocalFolderTarget.checkPlacement`).
    public func makeTarget(environment: [String: String] = ProcessInfo.processInfo.environment,
                           site: URL? = nil, build: URL? = nil) throws -> any PublishTarget {
        switch location {
        case let .folder(url):
            return LocalFolderTarget(root: url, site: site, build: build)
        case let .s3(bucket, prefix):
            return try S3Target.fromEnvironment(bucket: bucket, prefix: prefix, endpoint: endpoint, region: region,
                                                pathStyle: pathStyle, environment: environment)
        }
    }
}
