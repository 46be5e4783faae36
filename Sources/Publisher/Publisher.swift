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
        var state = try await readState()
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
        return plan
    }

    func readState() async throws -> TargetState {
        let listing = try await target.list(prefix: "")
        var remote: [String: RemoteObject] = [:]
        for object in listing { remote[object.key] = object }
        var pointer: LivePointer?
        if remote[LivePointer.key] != nil, let data = try await target.get(LivePointer.key) {
            pointer = try LivePointer.decode(data)
        }
        var live: DeployRecord?
        var retained: [DeployRecord] = []
        var named: Set<String> = []
        var read: Set<String> = []
        if let pointer {
            // The live deploy and its predecessors, newest first; the plan decides how many of
            // them stay (one place fewer when it makes a new deploy).
            let window = Array(([pointer.id] + pointer.history).prefix(max(1, config.retain)))
            for id in window {
                let key = DeployRecord.key(for: id)
                guard remote[key] != nil, read.insert(key).inserted, let data = try await target.get(key) else { continue }
                let record = try DeployRecord.decode(data, key: key)
                if id == pointer.id { live = record }
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
        var state = try await readState()
        let plan = try await plan(manifest: manifest, state: &state)
        var report = PublishReport(target: target.displayName, dryRun: dryRun, deployID: plan.record?.id,
                                   previousID: state.pointer?.id, uploaded: [], skipped: plan.kept.count, deleted: [],
                                   heldBack: plan.heldBack.count, pruneRefused: 0, bytes: 0, requests: 0, retries: 0,
                                   duration: 0, purged: [], warnings: [])
        let pruneAllowed = plan.prune.count <= config.maxDeletes || allowManyDeletes
        if dryRun {
            report.uploaded = plan.uploads.map { .init(key: $0.key, reason: $0.reason.rawValue, bytes: $0.size) }
            report.bytes = plan.uploadBytes
            report.deleted = pruneAllowed ? plan.prune.map(\.key) : []
            report.pruneRefused = pruneAllowed ? 0 : plan.prune.count
            return finish(report, started: started)
        }
        progress(.planned(files: plan.uploads.count, bytes: plan.uploadBytes))
        // Before the first object goes up, a record of ours names them all: should this deploy
        // never finish, a later prune may still remove what it uploaded.
        let pending = try await writePending(plan)

        for (_, uploads) in plan.groups {
            let target = self.target
            let progress = self.progress
            let results = try await Self.forEach(uploads, width: config.workers) { upload in
                try await Self.upload(upload, to: target, buildDirectory: buildDirectory, progress: progress)
            }
            try await verify(results)
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
        if pruneAllowed {
            let target = self.target
            let progress = self.progress
            // Pages first: an old page must never outlive the assets it names. Records last: a
            // prune cut short leaves every object it did not reach named by a record.
            let records = plan.prune.filter { DeployRecord.isRecordKey($0.key) }
            let pages = plan.prune.filter { EdgeRules.fileExtension($0.key) == "html" && !DeployRecord.isRecordKey($0.key) }
            let rest = plan.prune.filter { EdgeRules.fileExtension($0.key) != "html" && !DeployRecord.isRecordKey($0.key) }
            let batches = [pages, rest, records]
            for batch in batches {
                _ = try await Self.forEach(batch, width: config.workers) { candidate in
                    try await target.delete(candidate.key)
                    progress(.deleted(key: candidate.key))
                    return candidate.key
                }
            }
            report.deleted = batches.joined().map(\.key)
            if !plan.prune.isEmpty && plan.record == nil { try await target.didChangeLive() }
        } else {
            report.pruneRefused = plan.prune.count
            report.warnings.append(PublishError.tooManyDeletes(count: plan.prune.count, limit: config.maxDeletes).description)
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
    }

    static func upload(_ upload: DeployPlan.Upload, to target: any PublishTarget, buildDirectory: URL,
                       progress: @Sendable (PublishProgress) -> Void)
        async throws -> UploadResult {
        let body: Data
        switch upload.source {
        case let .bytes(data):
            body = data
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
            let sha = SHA256.hash(data: body).hex
            if sha != upload.headers.sha256 {
                throw PublishError.hashMismatch(path: path, expected: upload.headers.sha256, actual: sha)
            }
        }
        let md5 = Array(Insecure.MD5.hash(data: body)).hex
        let result = try await target.put(upload.key, body: body, headers: upload.headers, createOnly: upload.createOnly)
        if result == .alreadyExists {
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
        return UploadResult(upload: upload, md5: md5, created: true)
    }

    /// HEADs every key and compares size, ETag (or hash), Content-Type and Cache-Control.
    func verify(_ results: [UploadResult]) async throws {
        let target = self.target
        let mismatches = try await Self.forEach(results, width: config.workers) { result -> [VerifyMismatch] in
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
        }.flatMap { $0 }.sorted { ($0.key, $0.field) < ($1.key, $1.field) }
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
