import Crypto
import Foundation
import SiteManifest

extension Publisher {
    /// Every deploy record on the target, oldest first, marking the live one.
    public func deploys() async throws -> [DeploySummary] {
        try await target.open(forWriting: false)
        let listing = try await target.list(prefix: DeployRecord.recordsFolder)
        var pointer: LivePointer?
        if let data = try await target.get(LivePointer.key) { pointer = try LivePointer.decode(data) }
        var summaries: [DeploySummary] = []
        for object in listing where object.key.hasSuffix(".json") {
            guard let data = try await target.get(object.key) else { continue }
            let record = try DeployRecord.decode(data, key: object.key)
            summaries.append(DeploySummary(id: record.id, createdAt: record.createdAt, files: record.files.count,
                                           bytes: record.totalBytes, live: record.id == pointer?.id))
        }
        return summaries.sorted { $0.id < $1.id }
    }

    /// Makes an earlier deploy live again without a rebuild: server-side copies of its kept
    /// objects onto their paths (other files first, pages last), verified, then the pointer.
    /// `id` nil → the deploy that was live before the current one.
    public func rollback(to id: String? = nil) async throws -> RollbackReport {
        let started = Date()
        try await target.open(forWriting: true)
        guard let pointerData = try await target.get(LivePointer.key) else {
            throw PublishError.noDeploys(target: target.displayName)
        }
        let pointer = try LivePointer.decode(pointerData)
        let listing = try await target.list(prefix: "")
        var remote: [String: RemoteObject] = [:]
        for object in listing { remote[object.key] = object }
        let known = listing.map(\.key).filter { $0.hasPrefix(DeployRecord.recordsFolder) && $0.hasSuffix(".json") }
            .map { String($0.dropFirst(DeployRecord.recordsFolder.count).dropLast(".json".count)) }.sorted()

        let wanted: String
        if let id {
            guard known.contains(id) else { throw PublishError.unknownDeploy(id: id, known: known) }
            wanted = id
        } else {
            // The newest deploy older than the live one that was live once; else just older.
            let older = known.filter { $0 < pointer.id }
            guard let previous = older.last(where: { pointer.history.contains($0) }) ?? older.last else {
                throw PublishError.unknownDeploy(id: "(previous of \(pointer.id))", known: known)
            }
            wanted = previous
        }
        guard let recordData = try await target.get(DeployRecord.key(for: wanted)) else {
            throw PublishError.unknownDeploy(id: wanted, known: known)
        }
        let record = try DeployRecord.decode(recordData, key: DeployRecord.key(for: wanted))
        var liveFiles: [String: DeployRecord.File] = [:]
        if let data = try await target.get(DeployRecord.key(for: pointer.id)) {
            for file in try DeployRecord.decode(data, key: DeployRecord.key(for: pointer.id)).files { liveFiles[file.path] = file }
        }

        // Everything the deploy needs must still be there before anything changes; personal pages
        // are not restored (they stay what the newest publish made them: a revoked or ended link
        // never works again), so they are not needed.
        let missing = record.files.compactMap { file -> String? in
            guard !file.isPrivate else { return nil }
            let key = file.objectKey ?? file.path
            return remote[key] == nil ? key : nil
        }.sorted()
        if !missing.isEmpty { throw PublishError.deployIncomplete(id: wanted, missing: missing) }
        // And hold the bytes the record names, as far as the listing tells (a folder's sidecars do).
        for file in record.files where !file.isPrivate {
            let key = file.objectKey ?? file.path
            guard let object = remote[key] else { continue }
            if object.size != file.size || (object.sha256.map { $0 != file.sha256 } ?? false) {
                throw PublishError.recordInvalid(
                    key: DeployRecord.key(for: wanted),
                    cause: "path '\(file.path)': \(key) holds other bytes (size \(object.size), sha256 \(object.sha256 ?? "unknown")) than the record names (size \(file.size), sha256 \(file.sha256))")
            }
        }

        let copies = record.files.filter { file in
            guard !file.hashed, !file.isPrivate else { return false }
            if let live = liveFiles[file.path], live == file, let object = remote[file.path], object.size == file.size {
                return false
            }
            return true
        }
        let pagesLast = copies.sorted {
            let a = EdgeRules.cacheClass(for: $0.path) == .revalidate ? 1 : 0
            let b = EdgeRules.cacheClass(for: $1.path) == .revalidate ? 1 : 0
            return (a, $0.path) < (b, $1.path)
        }
        let target = self.target
        let progress = self.progress
        // Server-side copies: nothing is uploaded, so the plan is files and no bytes.
        progress(.planned(files: pagesLast.count, bytes: 0))
        for batch in [pagesLast.filter { EdgeRules.cacheClass(for: $0.path) != .revalidate },
                      pagesLast.filter { EdgeRules.cacheClass(for: $0.path) == .revalidate }] where !batch.isEmpty {
            _ = try await Self.forEach(batch, width: config.workers) { file in
                try await target.copy(from: file.objectKey!, to: file.path, headers: file.headers)
                progress(.copied(key: file.path))
                return file.path
            }
            var mismatches: [VerifyMismatch] = []
            let heads = try await Self.forEach(batch, width: config.workers) { file in (file, try await target.head(file.path)) }
            for (file, head) in heads {
                guard let head else {
                    mismatches.append(VerifyMismatch(key: file.path, field: "presence", expected: "stored", actual: "missing"))
                    continue
                }
                if head.size != file.size {
                    mismatches.append(VerifyMismatch(key: file.path, field: "size", expected: "\(file.size)", actual: "\(head.size)"))
                }
                if let sha = head.sha256, sha != file.sha256 {
                    mismatches.append(VerifyMismatch(key: file.path, field: "sha256", expected: file.sha256, actual: sha))
                }
                if let type = head.contentType, type != file.contentType {
                    mismatches.append(VerifyMismatch(key: file.path, field: "content-type", expected: file.contentType, actual: type))
                }
                if let cache = head.cacheControl, cache != file.cacheControl {
                    mismatches.append(VerifyMismatch(key: file.path, field: "cache-control", expected: file.cacheControl, actual: cache))
                }
            }
            if !mismatches.isEmpty { throw PublishError.verificationFailed(mismatches) }
        }
        let next = pointer.moving(to: wanted, at: clock())
        let data = try next.encoded()
        _ = try await target.put(LivePointer.key, body: data,
                                 headers: ObjectHeaders(contentType: "application/json; charset=utf-8", cacheControl: "no-cache",
                                                        sha256: SHA256Hex.of(data)),
                                 createOnly: false)
        progress(.live(id: wanted))
        try await target.didChangeLive()
        return RollbackReport(target: target.displayName, fromID: pointer.id, toID: wanted,
                              copied: pagesLast.map(\.path), requests: target.counters.requests,
                              retries: target.counters.retries,
                              duration: (Date().timeIntervalSince(started) * 1000).rounded() / 1000)
    }
}

enum SHA256Hex {
    static func of(_ data: Data) -> String {
        Array(Crypto.SHA256.hash(data: data)).hex
    }
}
