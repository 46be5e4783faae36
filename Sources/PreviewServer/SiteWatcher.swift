import Foundation
import SiteBuilder

/// Notices edits by polling modification times and sizes: portable, needs no extra package, and
/// cheap enough every ~300 ms for the sites dropgen makes.
struct SiteWatcher: Sendable {
    typealias Stamp = FileStamps.Stamp

    let root: URL

    /// Every visible input file (`SiteBuild.inputs`) with its size and modification time; dot
    /// files are skipped, as the build skips them. Anything else in the site folder (public/,
    /// caches, .git, CI files) never triggers a rebuild.
    func fingerprint() -> [String: Stamp] {
        var stamps: [String: Stamp] = [:]
        for input in SiteBuild.inputs {
            FileStamps.collect(root.path + "/" + input, named: input, skippingHidden: true, into: &stamps)
        }
        return stamps
    }

    /// Waits until the site differs from `baseline`, then until it holds still for one interval
    /// (an editor saving several files, or a `git checkout`, gives one rebuild). Returns the
    /// settled fingerprint; throws CancellationError when the server stops.
    func nextChange(after baseline: [String: Stamp], interval: Duration) async throws -> [String: Stamp] {
        var current = baseline
        while current == baseline {
            try await Task.sleep(for: interval)
            current = fingerprint()
        }
        while true {
            try await Task.sleep(for: interval)
            let next = fingerprint()
            if next == current { return next }
            current = next
        }
    }

    /// Paths that were added, removed or changed, for the terminal.
    static func changes(from old: [String: Stamp], to new: [String: Stamp]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}
