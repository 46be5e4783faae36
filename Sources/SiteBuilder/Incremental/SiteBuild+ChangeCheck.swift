import Crypto
import Foundation
import SiteManifest

extension SiteBuild.Run {
    enum ChangeCheck {
        /// Same inputs, same clock, same stock, output intact: the build is done.
        case unchanged(SiteBuild.Outcome)
        /// The build runs; the inputs' stamps, to record beside its output (nil in a session).
        case changed(InputStamps?)
    }

    /// A session is told of changes by its watcher and never skips a build; a one-off build
    /// first checks whether anything changed at all.
    func checkForChanges() async throws -> ChangeCheck {
        guard options.session == nil else { return .changed(nil) }
        // The last build's stamps are read while the site is scanned.
        async let previousRead: InputStamps? = { [output] in
            let manager = FileManager.default
            guard !manager.fileExists(atPath: output.appendingPathComponent(BuildManifest.incompleteMarker).path) else { return nil }
            return manager.contents(atPath: output.appendingPathComponent(InputStamps.relativePath).path).flatMap(InputStamps.decode)
        }()
        progress(.stage("Checking for changes"))
        let found = InputStamps.scan(siteRoot: root)
        let previousStamps = await previousRead
        // The last output is checked while the stamps are completed.
        async let intact: Bool = { [output] in
            guard let previousStamps else { return false }
            return await Self.outputsIntact(output, previousStamps.outputs)
        }()
        var (current, allKnown) = await InputStamps.current(found, siteRoot: root, now: options.now, previous: previousStamps)
        // A stock change is a change: the pages showing that stock must be built again.
        current.stock = options.stock?.digest
        // So is a new access secret: every personal page's link changes with it.
        current.access = options.accessSecret.map { AccessToken.stamp(secret: SymmetricKey(data: Data($0.utf8))) }
        if let previousStamps, current.sameInputs(as: previousStamps), !options.pruneCache, await intact,
           var report = try Self.unchanged(output, previous: previousStamps, current: allKnown ? nil : current) {
            report.seconds = stages.finish()
            return .unchanged(SiteBuild.Outcome(report: report, made: [found, current, previousStamps]))
        }
        return .changed(current)
    }

    /// Whether every file of the last build is in the output folder with its size: a page deleted
    /// or truncated by hand makes the build run.
    static func outputsIntact(_ output: URL, _ outputs: [String: Int]) async -> Bool {
        let folder = output.path
        let intact = await concurrentMap(chunked(Array(outputs), into: ProcessInfo.processInfo.activeProcessorCount * 4)) { chunk in
            OutputWriter.withFolder(folder) { descriptor in
                chunk.allSatisfy { path, size in OutputWriter.hasFile(path, size: size, in: descriptor) }
            }
        }
        return !outputs.isEmpty && intact.allSatisfy { $0 }
    }

    /// The report of a build with nothing to do: same inputs, same clock, output intact. nil when
    /// the record cannot be read: then the build runs.
    /// `current`: the inputs' stamps when some have new times (same bytes), to be remembered; nil
    /// when they are the previous ones.
    static func unchanged(_ output: URL, previous: InputStamps, current: InputStamps?) throws -> SiteBuild.Report? {
        let outputs = previous.outputs
        guard let data = FileManager.default.contents(atPath: output.appendingPathComponent(SiteBuild.Record.relativePath).path),
              let record = try? JSONDecoder().decode(SiteBuild.Record.self, from: data) else { return nil }
        // New times for the same bytes (a fresh checkout): remember them, so the next check needs no reading.
        if var current {
            current.outputs = outputs
            try OutputWriter.replace(InputStamps.relativePath, in: output, with: current.encoded())
        }
        return SiteBuild.Report(record: record, files: outputs.count + 1, bytes: outputs.values.reduce(0, +),
                                pagesRendered: 0, dropsParsed: 0, filesRewritten: 0, filesUnchanged: outputs.count,
                                mediaEncoded: 0, mediaCacheHits: 0, mediaPruned: 0)
    }
}
