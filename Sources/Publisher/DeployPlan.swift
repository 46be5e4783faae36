import Crypto
import Foundation
import SiteManifest

/// What a publish will do, computed without touching anything: which keys are uploaded and why,
/// which are kept, which old objects may be pruned. Same inputs, same plan.
public struct DeployPlan: Sendable, Equatable {
    public enum Reason: String, Codable, Sendable, Equatable {
        case new
        case contentChanged = "content changed"
        case headersChanged = "headers changed"
        /// The live deploy lists it but the target does not hold it (or holds other bytes).
        case missing = "missing on target"
        /// Bookkeeping written by every deploy (record, pointer).
        case deploy
    }

    /// Upload order: a group starts only when every object of the groups before it is in place.
    public enum Group: Int, Codable, Sendable, Comparable, CaseIterable {
        /// Pages not on the target yet go before changed ones: nothing live links to them until
        /// an existing page (index, feed, sitemap) is replaced.
        case hashedAssets, contentObjects, otherFiles, newPages, pages, deployRecord, livePointer

        public static func < (a: Group, b: Group) -> Bool { a.rawValue < b.rawValue }

        public var label: String {
            switch self {
            case .hashedAssets: return "hashed assets"
            case .contentObjects: return "rollback copies"
            case .otherFiles: return "other files"
            case .newPages: return "new pages"
            case .pages: return "changed pages"
            case .deployRecord: return "deploy record"
            case .livePointer: return "live pointer"
            }
        }
    }

    public enum Source: Sendable, Equatable {
        /// A file of the build, relative to the build folder.
        case file(String)
        /// Bytes made by the plan (deploy record, live pointer).
        case bytes(Data)
    }

    public struct Upload: Sendable, Equatable {
        public var key: String
        public var source: Source
        public var size: Int
        public var headers: ObjectHeaders
        public var reason: Reason
        public var group: Group
        /// `If-None-Match: *`: an existing object is never replaced.
        public var createOnly: Bool
    }

    public struct PruneCandidate: Sendable, Equatable, Codable {
        public var key: String
        public var size: Int
        public var lastModified: Date?
    }

    /// The deploy this plan makes live; nil when the target already serves exactly this build.
    public var record: DeployRecord?
    public var pointer: LivePointer?
    /// Ordered by group, then key.
    public var uploads: [Upload]
    /// Keys of the build already in place, sorted.
    public var kept: [String]
    /// Named by a record of the target, unreferenced by every retained deploy and older than
    /// the grace period, sorted; and every personal page (`EdgeRules.isPrivate`) that this
    /// deploy no longer has, at once.
    public var prune: [PruneCandidate]
    /// Unreferenced but younger than the grace period: left for a later deploy, sorted.
    public var heldBack: [String]

    public var isUpToDate: Bool { record == nil }
    public var uploadBytes: Int { uploads.reduce(0) { $0 + $1.size } }

    /// Uploads grouped in order; empty groups left out.
    public var groups: [(group: Group, uploads: [Upload])] {
        Group.allCases.compactMap { group in
            let items = uploads.filter { $0.group == group }
            return items.isEmpty ? nil : (group, items)
        }
    }

    public static func == (a: DeployPlan, b: DeployPlan) -> Bool {
        a.record == b.record && a.pointer == b.pointer && a.uploads == b.uploads && a.kept == b.kept
            && a.prune == b.prune && a.heldBack == b.heldBack
    }
}

extension DeployPlan {
    /// The plan for publishing `local` onto a target that holds `remote`.
    /// - Parameters:
    ///   - live: the record of the live deploy, if any.
    ///   - pointer: the live pointer, if any (its history decides the retention window).
    ///   - remote: what the target holds, by key (from a listing; entries with `sha256` also
    ///     carry the headers a HEAD reported).
    ///   - retained: records of the live deploy and those live before it, newest first (at
    ///     least `retain` of them when there are); the window keeps `retain` deploys in all.
    ///   - named: keys named by the target's other records (older and interrupted deploys, and
    ///     those records themselves). Only a key that some record names is ever pruned: the
    ///     target may hold files that are not dropgen's.
    public static func make(local: BuildManifest, live: DeployRecord?, pointer: LivePointer?,
                            remote: [String: RemoteObject], retained: [DeployRecord], named: Set<String> = [],
                            config: PublishConfig, now: Date) -> DeployPlan {
        let entries = local.files.filter { !$0.path.hasPrefix(DeployRecord.reservedPrefix) }.sorted { $0.path < $1.path }
        let files = entries.map { entry -> DeployRecord.File in
            let hashed = entry.hashed || entry.cacheClass == .immutable
            let cacheControl = hashed ? EdgeRules.immutableCacheControl
                : EdgeRules.cacheControl(for: entry.cacheClass, revalidate: config.htmlCacheControl, live: config.liveCacheControl)
            return DeployRecord.File(path: entry.path, sha256: entry.sha256, size: entry.size,
                                     contentType: entry.contentType, cacheControl: cacheControl, hashed: hashed)
        }
        // Records name personal pages by a hash of their path (`DeployRecord.File.recordedPath`).
        let liveFiles = Dictionary((live?.files ?? []).map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        func liveFile(_ path: String) -> DeployRecord.File? { liveFiles[DeployRecord.File.recordedPath(path)] }

        var uploads: [Upload] = []
        var kept: [String] = []
        for file in files {
            // The live files go with the pages: they say what the pages say.
            let isPage = [.revalidate, .live].contains(EdgeRules.cacheClass(for: file.path)) || EdgeRules.fileExtension(file.path) == "html"
            let group: Group = file.hashed ? .hashedAssets
                : (isPage ? (remote[file.path] == nil ? .newPages : .pages) : .otherFiles)
            if let reason = uploadReason(file, remote: remote[file.path], live: liveFile(file.path)) {
                uploads.append(Upload(key: file.path, source: .file(file.path), size: file.size, headers: file.headers,
                                      reason: reason, group: group, createOnly: file.hashed))
            } else {
                kept.append(file.path)
            }
        }
        // Content-addressed copies of the non-hashed files, for rollback.
        var seenObjects: Set<String> = []
        for file in files {
            guard let objectKey = file.objectKey, seenObjects.insert(objectKey).inserted else { continue }
            if let existing = remote[objectKey], existing.size == file.size { continue }
            uploads.append(Upload(key: objectKey, source: .file(file.path), size: file.size,
                                  headers: ObjectHeaders(contentType: file.contentType, cacheControl: "no-cache",
                                                         sha256: file.sha256),
                                  reason: remote[objectKey] == nil ? .new : .missing, group: .contentObjects,
                                  createOnly: true))
        }

        let manifestSHA = SHA256.hash(data: (try? BuildManifest(files: entries).encoded()) ?? Data()).hex
        var record: DeployRecord?
        var newPointer: LivePointer?
        let recorded = files.map(\.recorded)
        let liveMatches = live.map { $0.files == recorded.sorted { $0.path < $1.path } } ?? false
        if !(uploads.isEmpty && liveMatches && remote[LivePointer.key] != nil) {
            let id = DeployRecord.makeID(now: now, manifestSHA256: manifestSHA)
            let made = DeployRecord(id: id, createdAt: RFC3339.format(now), manifestSHA256: manifestSHA, files: recorded)
            record = made
            let next = pointer?.moving(to: id, at: now) ?? LivePointer(id: id, history: [], updatedAt: RFC3339.format(now))
            newPointer = next
            if let data = try? made.encoded() {
                uploads.append(Upload(key: made.key, source: .bytes(data), size: data.count,
                                      headers: ObjectHeaders(contentType: "application/json; charset=utf-8",
                                                             cacheControl: "no-cache", sha256: SHA256.hash(data: data).hex),
                                      reason: .deploy, group: .deployRecord, createOnly: false))
            }
            if let data = try? next.encoded() {
                uploads.append(Upload(key: LivePointer.key, source: .bytes(data), size: data.count,
                                      headers: ObjectHeaders(contentType: "application/json; charset=utf-8",
                                                             cacheControl: "no-cache", sha256: SHA256.hash(data: data).hex),
                                      reason: .deploy, group: .livePointer, createOnly: false))
            }
        }
        uploads.sort { ($0.group, $0.key) < ($1.group, $1.key) }

        // Prune: what no deploy in the window needs, once it is old enough.
        var referenced: Set<String> = [LivePointer.key]
        let window = retained.prefix(record == nil ? max(1, config.retain) : max(0, config.retain - 1))
        for kept in window { referenced.formUnion(kept.referencedKeys) }
        if let record { referenced.formUnion(record.referencedKeys) } else if let live { referenced.formUnion(live.referencedKeys) }
        var ours = named
        for kept in retained { ours.formUnion(kept.referencedKeys) }
        if let live { ours.formUnion(live.referencedKeys) }
        var prune: [PruneCandidate] = []
        var heldBack: [String] = []
        // A personal page the new deploy does not have (revoked, or its drop gone) goes now,
        // whatever the retention window and the grace period: its link must stop working.
        let current = record?.referencedKeys ?? live?.referencedKeys ?? []
        for object in remote.values.sorted(by: { $0.key < $1.key }) where EdgeRules.isPrivate(object.key) {
            let named = DeployRecord.File.recordedPath(object.key)
            guard !DeployRecord.File.isSealed(object.key), !current.contains(named), ours.contains(named) else { continue }
            prune.append(PruneCandidate(key: object.key, size: object.size, lastModified: object.lastModified))
        }
        for object in remote.values.sorted(by: { $0.key < $1.key })
            where !EdgeRules.isPrivate(object.key) && !referenced.contains(object.key) && ours.contains(object.key) {
            if let modified = object.lastModified, now.timeIntervalSince(modified) >= config.grace {
                prune.append(PruneCandidate(key: object.key, size: object.size, lastModified: modified))
            } else {
                heldBack.append(object.key)
            }
        }
        return DeployPlan(record: record, pointer: newPointer, uploads: uploads, kept: kept.sorted(),
                          prune: prune.sorted { $0.key < $1.key }, heldBack: heldBack)
    }

    /// Why `file` must be uploaded, or nil when the target already serves it as wanted.
    static func uploadReason(_ file: DeployRecord.File, remote: RemoteObject?, live: DeployRecord.File?) -> Reason? {
        guard let remote else {
            guard let live else { return .new }
            return live.sha256 == file.sha256 ? .missing : .contentChanged
        }
        if let remoteSHA = remote.sha256 {
            // The target told us what it holds (HEAD or a local sidecar).
            if remoteSHA == file.sha256 && remote.size == file.size {
                if file.hashed { return nil }
                if remote.contentType == file.contentType && remote.cacheControl == file.cacheControl { return nil }
                return .headersChanged
            }
            guard let live else { return .contentChanged }
            return live.sha256 == file.sha256 ? .missing : .contentChanged
        }
        // Known from a listing only: size (and ETag), no headers.
        if file.hashed { return remote.size == file.size ? nil : .contentChanged }
        guard let live else { return .new }
        if live.sha256 != file.sha256 { return .contentChanged }
        if live.contentType != file.contentType || live.cacheControl != file.cacheControl { return .headersChanged }
        return remote.size == file.size ? nil : .missing
    }

    /// The plan's live pointer, marked as written by a publish that listed the target and pruned
    /// it at `date` (see `LivePointer.prunedAt`).
    public mutating func stampPruned(at date: Date) {
        guard var next = pointer, let index = uploads.firstIndex(where: { $0.group == .livePointer }) else { return }
        next.prunedAt = RFC3339.format(date)
        guard let data = try? next.encoded() else { return }
        pointer = next
        uploads[index].source = .bytes(data)
        uploads[index].size = data.count
        uploads[index].headers.sha256 = SHA256.hash(data: data).hex
    }

    /// Keys whose upload might be avoided by asking the target what it holds: non-hashed files
    /// planned for upload that exist on the target without known content.
    public func keysWorthHeading(remote: [String: RemoteObject]) -> [String] {
        uploads.filter { upload in
            guard case .file = upload.source, !upload.createOnly, let object = remote[upload.key] else { return false }
            return object.sha256 == nil && object.size == upload.size
        }.map(\.key)
    }
}
