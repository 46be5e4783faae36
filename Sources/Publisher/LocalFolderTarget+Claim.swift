import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension LocalFolderTarget {
    /// Refuses a folder that is not dropgen's to write: one that holds the site or the build, one
    /// inside the site's inputs, or a non-empty folder without dropgen's marker. For a writer it
    /// then marks a new or empty folder, takes the folder's lock, and clears the temp files a
    /// killed publish left.
    public func open(forWriting: Bool) async throws {
        try checkPlacement()
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        let exists = manager.fileExists(atPath: root.path, isDirectory: &isFolder)
        if exists && !isFolder.boolValue {
            throw PublishError.invalidTarget("\(root.path) is a file, not a folder: name a new or empty folder as the target")
        }
        let marked = manager.fileExists(atPath: root.appendingPathComponent(Self.markerFile).path)
        if exists && !marked && !isEmptyOrLegacy() {
            throw PublishError.invalidTarget(
                "\(root.path) holds files dropgen did not publish (it has no \(Self.markerFile)); "
                    + "name a new or empty folder as the target, so nothing of yours is overwritten or pruned")
        }
        guard forWriting else { return }
        do {
            try manager.createDirectory(at: root.appendingPathComponent(Self.metaFolder), withIntermediateDirectories: true)
        } catch {
            throw PublishError.localFile(path: root.path, cause: error.localizedDescription)
        }
        try lock.acquire(root.appendingPathComponent(Self.lockFile).path, target: root.path)
        if !marked {
            let text = "This folder is a dropgen publish target: `dropgen publish` writes and prunes here.\n"
            _ = manager.createFile(atPath: root.appendingPathComponent(Self.markerFile).path, contents: Data(text.utf8))
        }
        removeTempFiles()
    }

    /// Empty, or published by a dropgen from before the marker (its pointer and sidecars are there).
    private func isEmptyOrLegacy() -> Bool {
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: root.path) else { return false }
        if entries.isEmpty { return true }
        return manager.fileExists(atPath: root.appendingPathComponent(LivePointer.key).path)
            && manager.fileExists(atPath: root.appendingPathComponent(Self.metaFolder).path)
    }

    /// The target may sit in the site folder (the default `.edge` does), but may not be the site
    /// or hold it, may not lie inside the folders a build reads, and may not overlap the build.
    func checkPlacement() throws {
        let target = Self.canonicalPath(root)
        func refuse(_ reason: String) -> PublishError {
            .invalidTarget("refusing to publish into \(root.path): \(reason); name a folder of its own, such as .edge")
        }
        if let site {
            let sitePath = Self.canonicalPath(site)
            if Self.contains(target, sitePath) { throw refuse("it holds the site folder \(site.path)") }
            for input in ["content", "data", "templates", "static", ".git", ".dropgen-cache"] {
                if Self.contains(sitePath + "/" + input, target) { throw refuse("it is inside the site's \(input)/ folder") }
            }
        }
        if let build {
            let buildPath = Self.canonicalPath(build)
            if Self.contains(target, buildPath) { throw refuse("it holds the build folder \(build.path)") }
            if Self.contains(buildPath, target) { throw refuse("it is inside the build folder \(build.path)") }
        }
    }

    /// Whether `inner` is `outer` or lies below it.
    static func contains(_ outer: String, _ inner: String) -> Bool {
        inner == outer || inner.hasPrefix(outer == "/" ? "/" : outer + "/")
    }

    /// The absolute path with every symbolic link of its existing part resolved, so that two
    /// names for one folder compare equal.
    static func canonicalPath(_ url: URL) -> String {
        var existing = url.standardizedFileURL.path
        var rest: [String] = []
        while existing != "/", realpath(existing, nil) == nil {
            rest.insert((existing as NSString).lastPathComponent, at: 0)
            existing = (existing as NSString).deletingLastPathComponent
        }
        var resolved = existing
        if let pointer = realpath(existing, nil) {
            resolved = String(cString: pointer)
            free(pointer)
        }
        for part in rest { resolved = resolved == "/" ? "/" + part : resolved + "/" + part }
        return resolved
    }
}

/// An exclusive `flock` on a file in the target, held until the process ends (the kernel drops
/// it when a killed publish dies), so two writers never interleave in one folder.
final class FolderLock: @unchecked Sendable {
    private let mutex = NSLock()
    private var descriptor: Int32 = -1

    func acquire(_ path: String, target: String) throws {
        try mutex.withLock {
            guard descriptor < 0 else { return }
            let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw PublishError.localFile(path: path, cause: String(cString: strerror(errno))) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw PublishError.invalidTarget("another dropgen is publishing to \(target) right now; run again when it is done")
            }
            descriptor = fd
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
