import Foundation
import SiteBuilder
#if canImport(Glibc)
import Glibc
#endif

/// Notices edits to the site's inputs (`SiteBuild.inputs`). On Linux the kernel reports them
/// (inotify), so an edit is seen within milliseconds and an idle site costs nothing; elsewhere,
/// or when inotify is unavailable, modification times and sizes are polled.
///
/// Either way a change is confirmed by comparing sizes and times with the last ones seen, so a
/// file created and deleted again (an editor's probe file) triggers nothing, and dot files are
/// skipped as the build skips them.
final class SiteWatcher: @unchecked Sendable {
    typealias Stamp = FileStamps.Stamp

    let root: URL
    private let pollInterval: Duration
    private let quietPeriod: Duration
    private var baseline: [String: Stamp] = [:]
    #if os(Linux)
    private let kernel: KernelEvents?
    #endif

    /// `quietPeriod`: how long the files must hold still before a change is reported, so an
    /// editor saving several files, or a `git checkout`, gives one rebuild.
    /// `eventDriven: false` polls even where the kernel could report changes (for tests).
    init(root: URL, pollInterval: Duration, quietPeriod: Duration, eventDriven: Bool = true) {
        self.root = root
        self.pollInterval = pollInterval
        self.quietPeriod = quietPeriod
        #if os(Linux)
        kernel = eventDriven ? KernelEvents(root: root.path, quietPeriod: quietPeriod) : nil
        #endif
        baseline = fingerprint()
    }

    func stop() {
        #if os(Linux)
        kernel?.stop()
        #endif
    }

    /// Whether changes come from the kernel rather than from polling.
    var isEventDriven: Bool {
        #if os(Linux)
        return kernel != nil
        #else
        return false
        #endif
    }

    /// Every visible input file with its size and modification time.
    func fingerprint() -> [String: Stamp] {
        var stamps: [String: Stamp] = [:]
        for input in SiteBuild.inputs {
            FileStamps.collect(root.path + "/" + input, named: input, skippingHidden: true, into: &stamps)
        }
        return stamps
    }

    /// Waits for the next change and returns the paths added, removed or changed, sorted.
    /// Throws CancellationError when the server stops.
    func nextChange() async throws -> [String] {
        while true {
            let next: [String: Stamp]
            #if os(Linux)
            if let kernel {
                guard let touched = try await kernel.next() else {
                    next = fingerprint()  // the kernel's queue overflowed: look at everything
                    if let changed = settle(next) { return changed }
                    continue
                }
                next = restamp(touched)
                if let changed = settle(next) { return changed }
                continue
            }
            #endif
            next = try await polledChange()
            if let changed = settle(next) { return changed }
        }
    }

    /// Makes `next` the baseline; the paths that differ, or nil when nothing did.
    private func settle(_ next: [String: Stamp]) -> [String]? {
        let changed = Self.changes(from: baseline, to: next)
        baseline = next
        return changed.isEmpty ? nil : changed
    }

    /// The baseline with the touched paths (files, or folders and everything under them) stamped again.
    private func restamp(_ touched: Set<String>) -> [String: Stamp] {
        var next = baseline
        for path in touched {
            // A known file (the usual edit) has nothing below it; only folders need the scan.
            if next.removeValue(forKey: path) == nil {
                let prefix = path + "/"
                for known in baseline.keys where known.hasPrefix(prefix) { next[known] = nil }
            }
            FileStamps.collect(root.path + "/" + path, named: path, skippingHidden: true, into: &next)
        }
        return next
    }

    /// Polls until the site differs from the baseline, then until it holds still for one interval.
    private func polledChange() async throws -> [String: Stamp] {
        var current = baseline
        while current == baseline {
            try await Task.sleep(for: pollInterval)
            current = fingerprint()
        }
        while true {
            try await Task.sleep(for: max(pollInterval, quietPeriod))
            let next = fingerprint()
            if next == current { return next }
            current = next
        }
    }

    /// Paths that were added, removed or changed, for the terminal.
    static func changes(from old: [String: Stamp], to new: [String: Stamp]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}

#if os(Linux)
/// inotify watches on the site folder (for `dropgen.yaml` and new input folders) and on every
/// folder under the inputs. A thread of its own reads the events; after the first one it waits
/// for a quiet period and hands the batch of touched paths over.
private final class KernelEvents: @unchecked Sendable {
    private let descriptor: Int32
    private let root: String
    private let quietMilliseconds: Int32
    private let lock = NSLock()
    /// Watch descriptor → folder, relative to the site ("" for the site folder itself).
    private var folders: [Int32: String] = [:]
    private var stopped = false
    private let batches: AsyncStream<Set<String>?>
    private let continuation: AsyncStream<Set<String>?>.Continuation
    private var iterator: AsyncStream<Set<String>?>.Iterator

    private static let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
        | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

    init?(root: String, quietPeriod: Duration) {
        let descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        self.root = root
        let (seconds, attoseconds) = quietPeriod.components
        quietMilliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        (batches, continuation) = AsyncStream<Set<String>?>.makeStream(bufferingPolicy: .unbounded)
        iterator = batches.makeAsyncIterator()
        guard watch("") else { close(descriptor); return nil }
        for input in SiteBuild.inputs { addTree(input) }
        let thread = Thread { [self] in readLoop() }
        thread.name = "dropgen-watch"
        thread.start()
    }

    /// Ends the reading thread (within its idle wake-up), which closes the descriptor.
    func stop() {
        lock.withLock { stopped = true }
    }

    /// The next batch of touched paths; nil when events were lost and everything must be looked at.
    /// Cancelling the waiting task ends the stream (and so the watcher): the server is stopping.
    func next() async throws -> Set<String>? {
        guard let batch = await iterator.next() else { throw CancellationError() }
        return batch
    }

    private func watch(_ folder: String) -> Bool {
        let path = folder.isEmpty ? root : root + "/" + folder
        let watchDescriptor = inotify_add_watch(descriptor, path, folder.isEmpty ? UInt32(IN_CREATE | IN_DELETE | IN_MODIFY
            | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB) : Self.mask)
        guard watchDescriptor >= 0 else { return false }
        lock.withLock { folders[watchDescriptor] = folder }
        return true
    }

    /// Watches a folder and every visible folder under it.
    private func addTree(_ folder: String) {
        guard watch(folder), let directory = opendir(root + "/" + folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            var status = stat()
            if stat(root + "/" + folder + "/" + name, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
                addTree(folder + "/" + name)
            }
        }
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pending: Set<String> = []
        var overflowed = false
        while !lock.withLock({ stopped }) {
            // Idle: wake now and then to notice the end. Collecting: a quiet period ends the batch.
            var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptors, 1, pending.isEmpty && !overflowed ? 250 : quietMilliseconds)
            if ready == 0 {
                if overflowed { continuation.yield(nil) } else if !pending.isEmpty { continuation.yield(pending) }
                pending = []
                overflowed = false
                continue
            }
            guard ready > 0 else { if errno == EINTR { continue } else { break } }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { if errno == EINTR || errno == EAGAIN { continue } else { break } }
            var offset = 0
            while offset + 16 <= count {
                let (watchDescriptor, mask, length) = buffer.withUnsafeBytes { bytes in
                    (bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                     bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                     Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                }
                let name = String(decoding: buffer[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }, as: UTF8.self)
                offset += 16 + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflowed = true; continue }
                guard let folder = lock.withLock({ folders[watchDescriptor] }) else { continue }
                if mask & UInt32(IN_IGNORED) != 0 { lock.withLock { folders[watchDescriptor] = nil }; continue }
                if name.isEmpty || name.hasPrefix(".") { continue }
                if folder.isEmpty, !SiteBuild.inputs.contains(name) { continue }
                let path = folder.isEmpty ? name : folder + "/" + name
                pending.insert(path)
                if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { addTree(path) }
            }
        }
        close(descriptor)
        continuation.finish()
    }
}
#endif
