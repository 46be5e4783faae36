/// The one rule for a key that a build, a record or a listing may hand the publisher: relative,
/// no empty, `.` or `..` segment, no control character, and outside the local folder's sidecars.
enum ObjectKey {
    /// Where the local folder target keeps each object's headers.
    static let sidecarFolder = ".dropgen-meta"

    /// Why `key` is not a safe key, or nil when it is.
    static func problem(_ key: String) -> String? {
        if key.isEmpty { return "empty" }
        if key.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) { return "contains a control character" }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        if key.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "it would leave the target's root"
        }
        if parts.first == Substring(sidecarFolder) { return "\(sidecarFolder)/ holds the publisher's metadata sidecars" }
        return nil
    }
}
