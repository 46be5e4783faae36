import Crypto
import Foundation
import SiteManifest

/// Publishes a built folder (with its `.dropgen/manifest.json`) to a target: plan, upload in
/// order, verify, move the live pointer, purge, prune. Also lists deploys and rolls back.
public struct Publisher: Sendable {
    public let target: any PublishTarget
    public let config: PublishConfig
    public let clock: @Sendable () -> Date
    public let progress: @Sendable (PublishProgress) -> Void
    /// Told which page URLs changed after a deploy (nil: no purge).
    public let purge: PurgeHook?

    public init(target: any PublishTarget, config: PublishConfig, purge: PurgeHook? = nil,
                clock: @escaping @Sendable () -> Date = { Date() },
                progress: @escaping @Sendable (PublishProgress) -> Void = { _ in }) {
        self.target = target
        self.config = config
        self.purge = purge
        self.clock = clock
        self.progress = progress
    }

    /// What the target holds now.
    struct TargetState: Sendable {
        var remote: [String: RemoteObject]
        var pointer: LivePointer?
        var live: DeployRecord?
        var retained: [DeployRecord]
        /// Every key that a record on the target names (live, retained, older or pending): all
        /// that a prune may ever delete.
        var named: Set<String>
        /// Whether the target was listed and every record of it read, so a prune may run; false:
        /// the live record stood for what the target holds (see `readState`).
        var listed = true
    }

    // MARK: - Plan

    public static func loadManifest(buildDirectory: URL) throws -> BuildManifest {
        let url = buildDirectory.appendingPathComponent(BuildManifest.relativePath)
        guard let data = try? Data(contentsOf: url) else { throw PublishError.manifestMissing(path: url.path) }
        if FileManager.default.fileExists(atPath: buildDirectory.appendingPathComponent(BuildManifest.incompleteMarker).path) {
            throw PublishError.manifestInvalid(path: url.path, cause: "the build that updated this folder did not finish; run `dropgen build` again")
        }
        let manifest: BuildManifest
        do {
            manifest = try BuildManifest.decode(data)
        } catch {
            throw PublishError.manifestInvalid(path: url.path, cause: "\(error)")
        }
        // No key may leave the target's root or be ambiguous once in a URL.
        for entry in manifest.files {
            if let problem = ObjectKey.problem(entry.path) {
                throw PublishError.manifestInvalid(path: url.path, cause: "unsafe path '\(entry.path)': \(problem)")
            }
            if entry.sha256.count != 64 || !entry.sha256.allSatisfy(\.isHexDigit) || entry.size < 0 {
                throw PublishError.manifestInvalid(path: url.path, cause: "bad sha256 or size for '\(entry.path)'")
            }
        }
        return manifest
    }

    /// The plan for publishing `buildDirectory` now. Reads the target; changes nothing.
    public func plan(buildDirectory: URL) async throws -> DeployPlan {
        let manifest = try Self.loadManifest(buildDirectory: buildDirectory)
        try await target.open(forWriting: false)
        var state = try await readState(listing: false)
        return try await plan(manifest: manifest, state: &state)
    }

    func plan(manifest: BuildManifest, state: inout TargetState) async throws -> DeployPlan {
        let now = clock()
        var plan = DeployPlan.make(local: manifest, live: state.live, pointer: state.pointer, remote: state.remote,
                                   retained: state.retained, named: state.named, config: config, now: now)
        // A listing gives no headers or hashes: before re-sending a file the target already has
        // (an interrupted deploy, a changed pointer), ask it what it holds.
        let keys = plan.keysWorthHeading(remote: state.remote)
        if !keys.isEmpty {
            let target = self.target
            let heads = try await Self.forEach(keys, width: config.workers) { key in try await target.head(key) }
            for case let head? in heads {
                var merged = head
                merged.lastModified = head.lastModified ?? state.remote[head.key]?.lastModified
                state.remote[head.key] = merged
            }
            plan = DeployPlan.make(local: manifest, live: state.live, pointer: state.pointer, remote: state.remote,
                                   retained: state.retained, named: state.named, config: config, now: now)
        }
        // Without a listing nothing is known to be unreferenced: no prune, nothing held back;
        // but for the personal pages the live deploy has and this one does not (the live record
        // names them, as uploaded and verified): a revoked link stops at this publish.
        if !state.listed {
            plan.prune = plan.prune.filter { EdgeRules.isPrivate($0.key) }
            plan.heldBack = []
        }
        return plan
    }

    /// What the target holds. The live pointer and the pending records are read at once (one
    /// round trip); then, when no other deploy is under way and `publish.prune_interval` has not
    /// passed since the last prune, only the live record: it names every object of the live
    /// deploy with its hash and headers, as verified when they were uploaded, so a re-deploy
    /// costs three requests before its uploads instead of a listing of the whole target and a
    /// read of every record. Otherwise (`listing`, a first deploy, a deploy cut short, a prune
    /// due) the whole target is listed and every record read.
    func readState(listing: Bool) async throws -> TargetState {
        let target = self.target
        async let pendingListing = target.list(prefix: DeployRecord.pendingFolder)
        async let pointerData = target.get(LivePointer.key)
        let pending = try await pendingListing
        let pointer = try await pointerData.map(LivePointer.decode)
        guard let pointer else { return try await readWholeState(pointer: nil) }
        // A pending record of the live deploy itself is one whose publish stopped after moving the pointer.
        let underWay = pending.contains { DeployRecord.isRecordKey($0.key) && $0.key != DeployRecord.pendingFolder + pointer.id + ".json" }
        if listing || underWay || pruneDue(pointer) { return try await readWholeState(pointer: pointer) }
        let key = DeployRecord.key(for: pointer.id)
        guard let data = try await target.get(key) else { return try await readWholeState(pointer: pointer) }
        let live = try DeployRecord.decode(data, key: key)
        var remote: [String: RemoteObject] = [:]
        for file in live.files {
            remote[file.path] = RemoteObject(key: file.path, size: file.size, contentType: file.contentType,
                                             cacheControl: file.cacheControl, sha256: file.sha256)
            if let objectKey = file.objectKey { remote[objectKey] = RemoteObject(key: objectKey, size: file.size, sha256: file.sha256) }
        }
        // The record names personal pages by a hash of their path only: their keys come from a
        // listing of their folder (one request more, for a site that has them), matched to it.
        let sealed = live.files.filter(\.isPrivate)
        if !sealed.isEmpty {
            let byName = Dictionary(sealed.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            for file in sealed { remote[file.path] = nil }
            for object in try await target.list(prefix: EdgeRules.privateFolder) {
                guard let file = byName[DeployRecord.File.recordedPath(object.key)] else { continue }
                remote[object.key] = RemoteObject(key: object.key, size: object.size, lastModified: object.lastModified,
                                                  contentType: file.contentType, cacheControl: file.cacheControl,
                                                  sha256: file.sha256)
            }
        }
        remote[key] = RemoteObject(key: key, size: data.count)
        remote[LivePointer.key] = RemoteObject(key: LivePointer.key, size: 0)
        return TargetState(remote: remote, pointer: pointer, live: live, retained: [live], named: live.referencedKeys,
                           listed: false)
    }

    /// Whether the last prune is older than `publish.prune_interval` (or unknown, or in the future).
    func pruneDue(_ pointer: LivePointer) -> Bool {
        guard let text = pointer.prunedAt, let pruned = RFC3339.parse(text) else { return true }
        let age = clock().timeIntervalSince(pruned)
        return age < 0 || age >= config.pruneInterval
    }

    /// Lists the whole target and reads the live deploy's record, those live before it in the
    /// retention window, and every other record (which only tell what is ours to prune).
    func readWholeState(pointer: LivePointer?) async throws -> TargetState {
        let listing = try await target.list(prefix: "")
        var remote: [String: RemoteObject] = [:]
        for object in listing { remote[object.key] = object }
        var live: DeployRecord?
        var retained: [DeployRecord] = []
        var named: Set<String> = []
        var read: Set<String> = []
        if let pointer {
            // The live deploy and its predecessors, newest first; the plan decides how many of
            // them stay (one place fewer when it makes a new deploy).
            let window = Array(([pointer.id] + pointer.history).prefix(max(1, config.retain)))
            let keys = window.map(DeployRecord.key(for:)).filter { remote[$0] != nil && read.insert($0).inserted }
            let target = self.target
            let records = try await Self.forEach(keys, width: config.workers) { key in
                try await target.get(key).map { try DeployRecord.decode($0, key: key) }
            }
            for case let record? in records {
                if record.id == pointer.id { live = record }
                retained.append(record)
                named.formUnion(record.referencedKeys)
            }
        }
        // The other records (older deploys, interrupted ones) only tell what is ours to prune.
        let others = remote.keys.filter { DeployRecord.isRecordKey($0) && !read.contains($0) }.sorted()
        let target = self.target
        let records = try await Self.forEach(others, width: config.workers) { key in
            try await target.get(key).map { try DeployRecord.decode($0, key: key) }
        }
        for (key, record) in zip(others, records) {
            named.insert(key)
            if let record { named.formUnion(record.referencedKeys) }
        }
        return TargetState(remote: remote, pointer: pointer, live: live, retained: retained, named: named)
    }

    // MARK: - Publish

    /// Plans, then (unless `dryRun`) uploads group by group, verifying each group before the
    /// next starts, writes the deploy record and then the live pointer, purges, and prunes.
    public func publish(buildDirectory: URL, dryRun: Bool = false, allowManyDeletes: Bool = false) async throws
        -> PublishReport {
        let started = Date()
        let manifest = try Self.loadManifest(buildDirectory: buildDirectory)
        try await target.open(forWriting: !dryRun)
        // `--yes` is asked for a prune that was refused: list now, so it happens.
        var state = try await readState(listing: allowManyDeletes)
        var plan = try await plan(manifest: manifest, state: &state)
        var report = PublishReport(target: target.displayName, dryRun: dryRun, deployID: plan.record?.id,
                                   previousID: state.pointer?.id, uploaded: [], skipped: plan.kept.count, deleted: [],
                                   heldBack: plan.heldBack.count, pruneRefused: 0, bytes: 0, requests: 0, retries: 0,
                                   duration: 0, purged: [], warnings: [])
        // Personal pages are deleted whatever `max_deletes` says: a revoked link must stop working.
        let privatePrune = plan.prune.filter { EdgeRules.isPrivate($0.key) }
        let refusable = plan.prune.count - privatePrune.count
        let pruneAllowed = refusable <= config.maxDeletes || allowManyDeletes
        let deletions = pruneAllowed ? plan.prune : privatePrune
        // The pointer this deploy writes says when the target was last listed and pruned; a
        // refused prune leaves the old time, so the next publish lists (and warns) again.
        if state.listed && pruneAllowed { plan.stampPruned(at: clock()) }
        if dryRun {
            report.uploaded = plan.uploads.map { .init(key: $0.key, reason: $0.reason.rawValue, bytes: $0.size) }
            report.bytes = plan.uploadBytes
            report.deleted = deletions.map(\.key)
            report.pruneRefused = pruneAllowed ? 0 : refusable
            return finish(report, started: started)
        }
        progress(.planned(files: plan.uploads.count, bytes: plan.uploadBytes))
        // Before the first object goes up, a record of ours names them all: should this deploy
        // never finish, a later prune may still remove what it uploaded.
        let pending = try await writePending(plan)

        var verifiedHeaders = Self.headerSets(of: state.live)
        for (_, uploads) in plan.groups {
            let target = self.target
            let progress = self.progress
            let results = try await Self.forEach(uploads, width: config.workers) { upload in
                try await Self.upload(upload, to: target, buildDirectory: buildDirectory, progress: progress)
            }
            try await verify(results, headerSets: &verifiedHeaders)
            for result in results.sorted(by: { $0.upload.key < $1.upload.key }) {
                if result.created {
                    report.uploaded.append(.init(key: result.upload.key, reason: result.upload.reason.rawValue,
                                                 bytes: result.upload.size))
                    report.bytes += result.upload.size
                } else {
                    report.skipped += 1
                }
            }
        }
        if let record = plan.record {
            progress(.live(id: record.id))
            if let pending { try await target.delete(pending) }
            try await target.didChangeLive()
            if let purge {
                let pages = plan.uploads.filter { $0.group == .pages || $0.group == .newPages }.map(\.key)
                if !pages.isEmpty {
                    do {
                        report.purged = try await purge.purge(paths: pages, deployID: record.id)
                    } catch {
                        report.warnings.append("\(error)")
                    }
                }
            }
        }
        do {
            let target = self.target
            let progress = self.progress
            // Pages first: an old page must never outlive the assets it names. Records last: a
            // prune cut short leaves every object it did not reach named by a record.
            let records = deletions.filter { DeployRecord.isRecordKey($0.key) }
            let pages = deletions.filter { EdgeRules.fileExtension($0.key) == "html" && !DeployRecord.isRecordKey($0.key) }
            let rest = deletions.filter { EdgeRules.fileExtension($0.key) != "html" && !DeployRecord.isRecordKey($0.key) }
            let batches = [pages, rest, records]
            for batch in batches {
                _ = try await Self.forEach(batch, width: config.workers) { candidate in
                    try await target.delete(candidate.key)
                    progress(.deleted(key: candidate.key))
                    return candidate.key
                }
            }
            report.deleted = batches.joined().map(\.key)
            if !deletions.isEmpty && plan.record == nil { try await target.didChangeLive() }
        }
        if !pruneAllowed {
            report.pruneRefused = refusable
            report.warnings.append(PublishError.tooManyDeletes(count: refusable, limit: config.maxDeletes).description)
        }
        return finish(report, started: started)
    }

    /// Writes the plan's record to the pending folder when the plan uploads objects; returns its key.
    func writePending(_ plan: DeployPlan) async throws -> String? {
        guard let record = plan.record, plan.uploads.contains(where: { $0.group < .deployRecord }) else { return nil }
        let data = try record.encoded()
        _ = try await target.put(record.pendingKey, body: data,
                                 headers: ObjectHeaders(contentType: "application/json; charset=utf-8", cacheControl: "no-cache",
                                                        sha256: SHA256Hex.of(data)),
                                 createOnly: false)
        return record.pendingKey
    }

    func finish(_ report: PublishReport, started: Date) -> PublishReport {
        var report = report
        report.requests = target.counters.requests
        report.retries = target.counters.retries
        report.duration = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        return report
    }

    struct UploadResult: Sendable {
        var upload: DeployPlan.Upload
        /// Hex MD5 of the bytes sent (an S3 single-part ETag).
        var md5: String
        /// False when a create-only upload found the identical object already there.
        var created: Bool
        /// The ETag the store answered the PUT with (nil: the target tells none).
        var etag: String?
    }

    static func upload(_ upload: DeployPlan.Upload, to target: any PublishTarget, buildDirectory: URL,
                       progress: @Sendable (PublishProgress) -> Void)
        async throws -> UploadResult {
        let body: Data
        let sha: String
        switch upload.source {
        case let .bytes(data):
            body = data
            sha = SHA256.hash(data: body).hex
        case let .file(path):
            let url = buildDirectory.appendingPathComponent(path)
            do {
                body = try Data(contentsOf: url)
            } catch {
                throw PublishError.localFile(path: url.path, cause: error.localizedDescription)
            }
            if body.count != upload.size {
                throw PublishError.sizeMismatch(path: path, expected: upload.size, actual: body.count)
            }
            sha = SHA256.hash(data: body).hex
            if sha != upload.headers.sha256 {
                throw PublishError.hashMismatch(path: path, expected: upload.headers.sha256, actual: sha)
            }
        }
        // Hashed once here: the signature's payload hash and Content-MD5 reuse them.
        let digests = BodyDigests(sha256: sha, md5: Array(Insecure.MD5.hash(data: body)))
        let md5 = digests.md5Hex
        let outcome = try await target.put(upload.key, body: body, headers: upload.headers, createOnly: upload.createOnly,
                                           digests: digests)
        if outcome.result == .alreadyExists {
            // Create-only found the key taken: fine when it holds these very bytes.
            guard let existing = try await target.head(upload.key) else {
                throw PublishError.conflict(key: upload.key, reason: "the store reported it exists but HEAD finds nothing")
            }
            let same = existing.size == body.count
                && (existing.sha256.map { $0 == upload.headers.sha256 } ?? (existing.etag == md5))
            if !same {
                throw PublishError.conflict(key: upload.key,
                                            reason: "size \(existing.size), sha256 \(existing.sha256 ?? existing.etag ?? "unknown")")
            }
            return UploadResult(upload: upload, md5: md5, created: false)
        }
        progress(.uploaded(key: upload.key, bytes: body.count))
        return UploadResult(upload: upload, md5: md5, created: true, etag: outcome.etag)
    }

    /// Content-Type and Cache-Control pairs a deploy's objects carry (with their rollback copies',
    /// the records' and the pointer's): all verified on the target when first uploaded.
    static func headerSets(of record: DeployRecord?) -> Set<HeaderSet> {
        guard let record else { return [] }
        var sets: Set<HeaderSet> = [HeaderSet(contentType: "application/json; charset=utf-8", cacheControl: "no-cache")]
        for file in record.files {
            sets.insert(HeaderSet(contentType: file.contentType, cacheControl: file.cacheControl))
            if !file.hashed { sets.insert(HeaderSet(contentType: file.contentType, cacheControl: "no-cache")) }
        }
        return sets
    }

    struct HeaderSet: Hashable, Sendable {
        var contentType: String
        var cacheControl: String
    }

    /// Checks that every object of `results` is stored as sent. An upload whose PUT answered an
    /// MD5 ETag is verified by it: the store checked the body against `Content-MD5` and the
    /// signed SHA-256, and its ETag is the MD5 of what it holds, so the bytes (and size) are
    /// ours. Its headers were sent with that same accepted request; a store that kept other
    /// headers (or none) does so for every object with those headers, so one object of each
    /// Content-Type and Cache-Control pair this target was not yet seen to keep (`headerSets`) is
    /// HEADed. Every other upload (no ETag, or not an MD5 one) is HEADed and its size, hash,
    /// ETag and headers compared, as is everything on a target that answers no ETag. A
    /// create-only upload that found the object there was compared by `upload`.
    func verify(_ results: [UploadResult], headerSets: inout Set<HeaderSet>) async throws {
        var mismatches: [VerifyMismatch] = []
        var heads: [UploadResult] = []
        for result in results where result.created {
            let headers = HeaderSet(contentType: result.upload.headers.contentType, cacheControl: result.upload.headers.cacheControl)
            guard let etag = result.etag?.lowercased(), etag.count == 32, etag.allSatisfy(\.isHexDigit) else {
                heads.append(result)
                continue
            }
            if etag != result.md5 {
                mismatches.append(VerifyMismatch(key: result.upload.key, field: "etag", expected: result.md5, actual: etag))
            } else if headerSets.insert(headers).inserted {
                heads.append(result)
            }
        }
        let target = self.target
        mismatches += try await Self.forEach(heads, width: config.workers) { result -> [VerifyMismatch] in
            let upload = result.upload
            guard let head = try await target.head(upload.key) else {
                return [VerifyMismatch(key: upload.key, field: "presence", expected: "stored", actual: "missing")]
            }
            var found: [VerifyMismatch] = []
            func check(_ field: String, _ expected: String, _ actual: String?) {
                if let actual, actual != expected {
                    found.append(VerifyMismatch(key: upload.key, field: field, expected: expected, actual: actual))
                }
            }
            check("size", String(upload.size), String(head.size))
            check("sha256", upload.headers.sha256, head.sha256)
            if let etag = head.etag, etag.count == 32, etag.allSatisfy(\.isHexDigit), head.sha256 == nil || result.created {
                check("etag", result.md5, etag.lowercased())
            }
            if result.created || !upload.createOnly {
                check("content-type", upload.headers.contentType, head.contentType ?? "(none)")
                check("cache-control", upload.headers.cacheControl, head.cacheControl ?? "(none)")
            }
            return found
        }.flatMap { $0 }
        mismatches.sort { ($0.key, $0.field) < ($1.key, $1.field) }
        if !mismatches.isEmpty { throw PublishError.verificationFailed(mismatches) }
        progress(.verified(count: results.count))
    }

    // MARK: - Concurrency

    /// Runs `body` over `items` with at most `width` at once; the first error cancels the rest.
    /// Results come back in the order of `items`.
    static func forEach<T: Sendable, R: Sendable>(_ items: [T], width: Int,
                                                  _ body: @escaping @Sendable (T) async throws -> R) async throws -> [R] {
        if items.isEmpty { return [] }
        return try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results: [R?] = Array(repeating: nil, count: items.count)
            var next = 0
            for _ in 0..<min(max(1, width), items.count) {
                let index = next
                group.addTask { (index, try await body(items[index])) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count {
                    let index = next
                    group.addTask { (index, try await body(items[index])) }
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }
}
