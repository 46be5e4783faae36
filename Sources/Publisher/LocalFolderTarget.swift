import Crypto
import Foundation
import SiteManifest

/// A folder that behaves like a remote store: objects are files under `root`, their headers
/// live in a sidecar (`.dropgen-meta/<key>.json`) so HEAD can be verified, writes are atomic
/// (temp file + rename; create-only uses `link`, which fails if the name exists), and after the
/// live pointer moves a `_headers` file (Netlify / Cloudflare Pages format) is written so any
/// static host serving the folder applies the same cache rules.
public struct LocalFolderTarget: PublishTarget {
    public let root: URL
    public let counters = RequestCounters()
    /// Folders the target must keep clear of (see `checkPlacement`).
    public let site: URL?
    public let build: URL?
    let lock = FolderLock()
    static let metaFolder = ObjectKey.sidecarFolder
    static let headersFile = "_headers"
    /// dropgen's mark on a folder it publishes into: only a marked (or new, or empty) folder is
    /// written to, so a target URL that names someone's files never costs them a file.
    static let markerFile = ".dropgen-meta/dropgen-target"
    /// Where a publish or rollback holds its lock while it writes.
    static let lockFile = ".dropgen-meta/lock"

    /// - Parameters:
    ///   - site: the site folder: the target may not contain it, nor lie inside its inputs.
    ///   - build: the build folder: the target may neither contain it nor lie inside it.
    public init(root: URL, site: URL? = nil, build: URL? = nil) {
        self.root = root.standardizedFileURL
        self.site = site
        self.build = build
    }

    public var displayName: String { root.path }

    func fileURL(_ key: String) throws -> URL {
        try Self.validate(key)
        return root.appendingPathComponent(key)
    }

    func metaURL(_ key: String) throws -> URL {
        try Self.validate(key)
        return root.appendingPathComponent(Self.metaFolder).appendingPathComponent(key + ".json")
    }

    static func validate(_ key: String) throws {
        if let problem = ObjectKey.problem(key) {
            throw PublishError.invalidTarget("refusing object key '\(key)': \(problem)")
        }
    }

    public func list(prefix: String) async throws -> [RemoteObject] {
        counters.countRequest()
        let fm = FileManager.default
        // Only the folder the prefix names is walked (`.dropgen/pending/`: that folder, not the site).
        let folder = prefix.lastIndex(of: "/").map { String(prefix[...$0]) } ?? ""
        if !folder.isEmpty { try Self.validate(String(folder.dropLast())) }
        let start = folder.isEmpty ? root : root.appendingPathComponent(folder)
        guard let walker = fm.enumerator(at: start, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey],
                                         options: [], errorHandler: nil) else { return [] }
        var objects: [RemoteObject] = []
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in walker {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(rootPath) else { continue }
            let key = String(path.dropFirst(rootPath.count))
            if key == Self.metaFolder { walker.skipDescendants(); continue }
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey])
            guard values.isRegularFile == true, key.hasPrefix(prefix) else { continue }
            if url.lastPathComponent.hasPrefix(".tmp-") { continue }
            let meta = try? readMeta(key)
            if key == Self.headersFile && meta == nil { continue }  // our generated file
            objects.append(RemoteObject(key: key, size: values.fileSize ?? 0, etag: meta?.sha256,
                                        lastModified: values.contentModificationDate,
                                        contentType: meta?.contentType, cacheControl: meta?.cacheControl,
                                        sha256: meta?.sha256))
        }
        return objects.sorted { $0.key < $1.key }
    }

    public func head(_ key: String) async throws -> RemoteObject? {
        counters.countRequest()
        let url = try fileURL(key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              (attributes[.type] as? FileAttributeType) == .typeRegular else { return nil }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let modified = attributes[.modificationDate] as? Date
        if let meta = try? readMeta(key) {
            return RemoteObject(key: key, size: size, etag: meta.sha256, lastModified: modified,
                                contentType: meta.contentType, cacheControl: meta.cacheControl, sha256: meta.sha256)
        }
        // No sidecar (a write interrupted between the two files): the bytes still tell the hash.
        let data = try Data(contentsOf: url)
        let sha = SHA256.hash(data: data).hex
        return RemoteObject(key: key, size: size, etag: sha, lastModified: modified, sha256: sha)
    }

    public func get(_ key: String) async throws -> Data? {
        counters.countRequest()
        let url = try fileURL(key)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw PublishError.localFile(path: url.path, cause: error.localizedDescription)
        }
    }

    public func put(_ key: String, body: Data, headers: ObjectHeaders, createOnly: Bool) async throws -> PutResult {
        counters.countRequest()
        let url = try fileURL(key)
        let temp = try writeTemp(body, beside: url)
        if createOnly {
            if link(temp.path, url.path) != 0 {
                let code = errno
                unlink(temp.path)
                if code == EEXIST { return .alreadyExists }
                throw PublishError.localFile(path: url.path, cause: String(cString: strerror(code)))
            }
            unlink(temp.path)
        } else {
            if rename(temp.path, url.path) != 0 {
                let code = errno
                unlink(temp.path)
                throw PublishError.localFile(path: url.path, cause: String(cString: strerror(code)))
            }
        }
        try writeMeta(key, headers)
        return .created
    }

    public func copy(from source: String, to key: String, headers: ObjectHeaders) async throws {
        counters.countRequest()
        let sourceURL = try fileURL(source)
        guard let data = try? Data(contentsOf: sourceURL) else {
            throw PublishError.request(target: displayName, operation: "COPY", key: source, status: 404,
                                       code: "NoSuchKey", message: "copy source does not exist")
        }
        let url = try fileURL(key)
        let temp = try writeTemp(data, beside: url)
        if rename(temp.path, url.path) != 0 {
            let code = errno
            unlink(temp.path)
            throw PublishError.localFile(path: url.path, cause: String(cString: strerror(code)))
        }
        try writeMeta(key, headers)
    }

    public func delete(_ key: String) async throws {
        counters.countRequest()
        let url = try fileURL(key)
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.removeItem(at: try metaURL(key))
        removeEmptyParents(of: url, upTo: root)
        removeEmptyParents(of: try metaURL(key), upTo: root.appendingPathComponent(Self.metaFolder))
    }

    public func didChangeLive() async throws {
        let objects = try await list(prefix: "")
        if objects.contains(where: { $0.key == Self.headersFile }) { return }  // the site ships its own
        let text = Self.headersFileText(objects)
        let url = root.appendingPathComponent(Self.headersFile)
        let temp = try writeTemp(Data(text.utf8), beside: url)
        if rename(temp.path, url.path) != 0 {
            let code = errno
            unlink(temp.path)
            throw PublishError.localFile(path: url.path, cause: String(cString: strerror(code)))
        }
    }

    // MARK: - Files

    /// Temp files left by a writer that was killed mid-write. Called with the folder's lock held,
    /// so no other publish is writing one now.
    func removeTempFiles() {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return
        }
        for case let url as URL in walker where url.lastPathComponent.hasPrefix(".tmp-") {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
                try? FileManager.default.removeItem(at: url)
            }
        }
    }

    func writeTemp(_ data: Data, beside url: URL) throws -> URL {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temp = folder.appendingPathComponent(".tmp-\(UUID().uuidString)")
            try data.write(to: temp)
            return temp
        } catch {
            throw PublishError.localFile(path: url.path, cause: error.localizedDescription)
        }
    }

    func writeMeta(_ key: String, _ headers: ObjectHeaders) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let url = try metaURL(key)
        let temp = try writeTemp(try encoder.encode(headers), beside: url)
        if rename(temp.path, url.path) != 0 {
            let code = errno
            unlink(temp.path)
            throw PublishError.localFile(path: url.path, cause: String(cString: strerror(code)))
        }
    }

    func readMeta(_ key: String) throws -> ObjectHeaders {
        try JSONDecoder().decode(ObjectHeaders.self, from: Data(contentsOf: try metaURL(key)))
    }

    func removeEmptyParents(of url: URL, upTo stop: URL) {
        var folder = url.deletingLastPathComponent().standardizedFileURL
        let stopPath = stop.standardizedFileURL.path
        while folder.path.count > stopPath.count, folder.path.hasPrefix(stopPath) {
            guard let items = try? FileManager.default.contentsOfDirectory(atPath: folder.path), items.isEmpty else { return }
            try? FileManager.default.removeItem(at: folder)
            folder = folder.deletingLastPathComponent().standardizedFileURL
        }
    }
}
