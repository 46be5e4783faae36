import Foundation
import MediaPipeline

/// Where a build puts its files. A cold build streams each page into a fresh staging folder that
/// takes the output's place once complete (`StagedOutput`); a build over a previous output brings
/// that folder up to date in place (`InPlaceOutput`). Either way a reader of the output never
/// sees a half-written site: the staging folder is swapped in whole, an in-place update marks the
/// folder incomplete until it is done.
protocol OutputDestination: Sendable {
    /// The folder the files go to while the build runs.
    var folder: URL { get }
    /// Receives each output as soon as it is rendered; nil when the rendered tree is written afterwards.
    var sink: (any OutputSink)? { get }
    /// The progress stage of writing what rendering left in the tree.
    var writeStage: String { get }
    /// Writes the rendered tree; returns what was written and the media jobs still to encode.
    func write(_ rendered: Renderer.Rendered, media jobs: [MediaJob]) async throws -> (OutputWriter.Written, [MediaJob])
    /// Makes the folder the output, records written.
    func commit() throws
    /// Removes what a failed build left that no later build would take up.
    func discard()
}

/// Where a cold build's outputs go as soon as each is made (`OutputWriter.Stream`): writing
/// overlaps rendering, and no page is held until the end.
protocol OutputSink: Sendable {
    func write(_ path: String, _ data: Data)
}

/// A cold build: every file into a staging folder beside the output, swapped onto it at the end.
struct StagedOutput: OutputDestination {
    let output: URL
    let stream: OutputWriter.Stream

    init(replacing output: URL) throws {
        self.output = output
        stream = OutputWriter.Stream(into: try OutputWriter.prepareStaging(for: output))
    }

    var folder: URL { stream.folder }
    var sink: (any OutputSink)? { stream }
    var writeStage: String { "Writing static files" }

    func write(_ rendered: Renderer.Rendered, media jobs: [MediaJob]) async throws -> (OutputWriter.Written, [MediaJob]) {
        await stream.write(rendered.tree)
        let entries = try stream.finish()
        return (OutputWriter.Written(entries: entries, written: entries.count, reused: 0), jobs)
    }

    func commit() throws { try OutputWriter.swap(staging: stream.folder, onto: output) }

    func discard() { try? FileManager.default.removeItem(at: stream.folder) }
}

/// A build over a previous output: only files whose bytes changed are written, each through a
/// temporary name; `.dropgen/incomplete` marks the folder until the records are written, so a
/// build killed half-way makes the next one start over cold.
struct InPlaceOutput: OutputDestination {
    let previous: OutputWriter.PreviousBuild

    var folder: URL { previous.folder }
    var sink: (any OutputSink)? { nil }
    var writeStage: String { "Writing changed files" }

    func write(_ rendered: Renderer.Rendered, media jobs: [MediaJob]) async throws -> (OutputWriter.Written, [MediaJob]) {
        // Media outputs are content-addressed: one already in place is already right.
        let keep = Set(jobs.map(\.outputPath).filter { previous.isIntact($0) })
        let written = try await OutputWriter.update(rendered.tree, reused: rendered.reused, keep: keep, previous: previous)
        return (written, jobs.filter { !keep.contains($0.outputPath) })
    }

    func commit() { OutputWriter.markComplete(previous.folder) }

    /// The folder stays marked incomplete: the next build starts over cold, `publish` refuses it.
    func discard() {}
}
