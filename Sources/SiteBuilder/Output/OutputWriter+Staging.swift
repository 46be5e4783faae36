import Foundation
import SiteManifest

extension OutputWriter {
    static func prepareStaging(for output: URL) throws -> URL {
        let manager = FileManager.default
        let parent = output.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw Refused(description: "cannot make the folder \(parent.path) for --out: \(Self.reason(error))")
        }
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: output.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw Refused(description: "\(output.path) is a file, not a dropgen output folder; remove it or pass another --out")
            }
            if !manager.fileExists(atPath: output.appendingPathComponent(BuildManifest.relativePath).path),
               (try? manager.contentsOfDirectory(atPath: output.path))?.isEmpty != true {
                throw Refused(description: "\(output.path) exists and was not written by dropgen (no \(BuildManifest.relativePath)); remove it or pass another --out")
            }
        }
        removeLeftovers(of: output)
        let staging = sibling(of: output, "staging", ProcessInfo.processInfo.processIdentifier)
        try? manager.removeItem(at: staging)
        do {
            try manager.createDirectory(at: staging.appendingPathComponent(".dropgen"), withIntermediateDirectories: true)
            // The mark that tells a later build this folder is dropgen's to remove, should this one be killed.
            try writeFile(Data(), to: staging.appendingPathComponent(BuildManifest.incompleteMarker).path)
        } catch {
            throw Refused(description: "cannot write beside \(output.path) (the build stages its output in \(staging.lastPathComponent)): \(Self.reason(error))")
        }
        return staging
    }

    /// `.public.staging-<pid>` and `.public.old-<pid>` beside `public/`: a build's folders on the way in and out.
    static func sibling(of output: URL, _ role: String, _ pid: Int32) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).\(role)-\(pid)")
    }

    /// Removes the staging and old-output folders of builds that were killed: named as ours, of a
    /// process no longer running, and holding dropgen's mark (a staging folder's `incomplete`, an
    /// old output's manifest) or nothing at all.
    static func removeLeftovers(of output: URL) {
        let manager = FileManager.default
        let parent = output.deletingLastPathComponent()
        guard let names = try? manager.contentsOfDirectory(atPath: parent.path) else { return }
        let own = ProcessInfo.processInfo.processIdentifier
        for name in names {
            for role in ["staging", "old"] {
                let prefix = ".\(output.lastPathComponent).\(role)-"
                guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count)), pid > 0,
                      pid == own || processIsGone(pid) else { continue }
                let folder = parent.appendingPathComponent(name)
                let marked = [BuildManifest.incompleteMarker, BuildManifest.relativePath].contains {
                    manager.fileExists(atPath: folder.appendingPathComponent($0).path)
                }
                if marked || (try? manager.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
                    try? manager.removeItem(at: folder)
                }
            }
        }
    }

    /// Puts the staging folder where the output was: the previous output stays intact until the
    /// new one is complete.
    static func swap(staging: URL, onto output: URL) throws {
        let manager = FileManager.default
        let old = sibling(of: output, "old", ProcessInfo.processInfo.processIdentifier)
        try? manager.removeItem(at: old)
        removeIfPresent(staging.appendingPathComponent(BuildManifest.incompleteMarker).path)
        let hadOutput = manager.fileExists(atPath: output.path)
        if hadOutput { try manager.moveItem(at: output, to: old) }
        do {
            try manager.moveItem(at: staging, to: output)
        } catch {
            if hadOutput { try? manager.moveItem(at: old, to: output) }
            throw error
        }
        if hadOutput { try? manager.removeItem(at: old) }
    }
}
