import Foundation

extension MediaPipeline {
    /// Produces every job's file under `outputRoot` (at `outputRoot/<outputPath>`), taking it
    /// from the cache when an earlier run made it. Identical jobs run once. At most one job per
    /// core runs at a time, since each one is an ffmpeg process. `progress` is called after each
    /// file, from one task at a time.
    public func process(
        _ jobs: [MediaJob], outputRoot: URL,
        progress: (@Sendable (_ done: Int, _ total: Int, _ path: String) -> Void)? = nil
    ) async throws -> MediaReport {
        var seen = Set<String>()
        let unique = jobs.filter { seen.insert($0.outputPath).inserted }.sorted { $0.outputPath < $1.outputPath }
        try makeDirectory(cacheDirectory)
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)

        var entries: [MediaReport.Entry] = []
        try await withThrowingTaskGroup(of: MediaReport.Entry.self) { group in
            var pending = unique[...]
            for _ in 0..<width {
                guard let job = pending.popFirst() else { break }
                group.addTask { try await self.produce(job, outputRoot: outputRoot) }
            }
            while let entry = try await group.next() {
                entries.append(entry)
                progress?(entries.count, unique.count, entry.path)
                if let job = pending.popFirst() {
                    group.addTask { try await self.produce(job, outputRoot: outputRoot) }
                }
            }
        }
        entries.sort { $0.path < $1.path }
        let hits = entries.filter(\.cacheHit).count
        return MediaReport(files: entries.map(\.path), encoded: entries.count - hits, cacheHits: hits, entries: entries)
    }

    /// One job: the cached file if present, else encode into the cache (temp file + rename, so
    /// the cache never holds half a file), then place it in the output (again via rename).
    func produce(_ job: MediaJob, outputRoot: URL) async throws -> MediaReport.Entry {
        let cached = cacheDirectory.appendingPathComponent(job.fileName)
        let cacheHit = FileManager.default.fileExists(atPath: cached.path)
        if !cacheHit {
            let temp = cacheDirectory.appendingPathComponent(".tmp-\(UUID().uuidString)-\(job.fileName)")
            defer { try? FileManager.default.removeItem(at: temp) }
            try await job.encode(to: temp, shownInput: displayPath(job.input))
            try rename(temp, to: cached, job: job)
        }
        let destination = outputRoot.appendingPathComponent(job.outputPath)
        let directory = destination.deletingLastPathComponent()
        try makeDirectory(directory)
        let staging = directory.appendingPathComponent(".tmp-\(UUID().uuidString)-\(job.fileName)")
        defer { try? FileManager.default.removeItem(at: staging) }
        // A hard link costs nothing; a copy covers an output on another file system.
        if link(cached.path, staging.path) != 0 {
            do {
                try FileManager.default.copyItem(at: cached, to: staging)
            } catch {
                throw MediaError(job.source, "cannot copy \(job.fileName) from the cache: \(error.localizedDescription)")
            }
        }
        try rename(staging, to: destination, job: job)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? Int) ?? 0
        return MediaReport.Entry(path: job.outputPath, cacheHit: cacheHit, bytes: bytes)
    }

    private func rename(_ from: URL, to: URL, job: MediaJob) throws {
        guard Foundation.rename(from.path, to.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw MediaError(job.source, "cannot write \(to.path): \(reason)")
        }
    }

    func makeDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw MediaError(file: url.path, key: "media", message: "cannot create folder: \(error.localizedDescription)")
        }
    }

    /// Temp file + rename: readers see the old file or the new one, never half of one.
    func writeAtomically(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }
}

extension MediaJob {
    var input: URL {
        switch work {
        case .clip(let spec): spec.input
        case .webp(let frame, _), .jpeg(let frame, _): frame.input
        }
    }
}
