import Foundation

extension EmbeddedFiles {
    /// The embedded files under `folder` ("Theme/static"), by their path relative to it, decoded.
    static func folder(_ folder: String) -> [String: Data] {
        let prefix = folder + "/"
        var files: [String: Data] = [:]
        for (path, base64) in base64 where path.hasPrefix(prefix) {
            // The plugin wrote it with `base64 -w0`: it always decodes.
            files[String(path.dropFirst(prefix.count))] = Data(base64Encoded: base64)!
        }
        return files
    }
}
