import Crypto
import Foundation
import SiteManifest

extension OutputWriter {
    /// Files written as they are made, from many tasks at once, into a fresh folder (a cold
    /// build's staging folder), each with the folders it needs. The first failure is kept and
    /// stops further writes; `finish()` reports it.
    final class Stream: OutputSink, @unchecked Sendable {
        let folder: URL
        private let path: String
        private let lock = NSLock()
        private var entries: [String: BuildManifest.Entry] = [:]
        private var failure: (any Error)?

        init(into folder: URL) {
            self.folder = folder
            path = folder.path
        }

        func write(_ path: String, _ data: Data) {
            guard lock.withLock({ failure == nil }) else { return }
            do {
                try OutputWriter.write(data, to: path, in: self.path)
                let entry = BuildManifest.Entry(path: path, bytes: data)
                lock.withLock { entries[path] = entry }
            } catch {
                lock.withLock { failure = failure ?? error }
            }
        }

        /// Writes a whole tree, in parallel.
        func write(_ tree: OutputTree) async {
            _ = await concurrentMap(chunked(Array(tree.files), into: ProcessInfo.processInfo.activeProcessorCount * 4)) { chunk in
                for (path, data) in chunk { self.write(path, data) }
            }
        }

        /// Manifest entries of every file written, by path.
        func finish() throws -> [String: BuildManifest.Entry] {
            try lock.withLock {
                if let failure { throw failure }
                return entries
            }
        }
    }
}
