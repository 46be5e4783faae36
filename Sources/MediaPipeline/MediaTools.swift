import Foundation

/// ffprobe and ffmpeg, which a site with media needs on every build (planning probes each file,
/// encoding runs ffmpeg), looked up on PATH once before planning: a machine without them gets
/// one message naming the package to install instead of an error per media file. A site without
/// media never looks for them.
public enum MediaTools {
    public static let required = ["ffprobe", "ffmpeg"]
    /// The Debian package that installs both.
    public static let debianPackage = "ffmpeg"

    /// The required tools that are not on PATH, in `required`'s order.
    public static func missing() -> [String] {
        required.filter { ToolRunner.locate($0) == nil }
    }

    /// What to tell the creator: `missing` (not empty) for `mediaCount` media files.
    public static func missingMessage(_ missing: [String], mediaCount: Int) -> String {
        let tools = missing.joined(separator: " and ")
        let verb = missing.count == 1 ? "is" : "are"
        let files = mediaCount == 1 ? "1 media file" : "\(mediaCount) media files"
        return "\(tools) \(verb) not on PATH, and this site has \(files) to probe and encode; "
            + "install the Debian package \(debianPackage) (apt-get install \(debianPackage))"
    }
}
