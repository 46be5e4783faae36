import Foundation

/// A signal one task waits for and others give: "there is work" for the coalescer, "the next
/// transition may have moved" for the scheduler. A signal given while nobody waits is kept (once),
/// so none is lost between a check and the wait.
final class Wakeup: @unchecked Sendable {
    private let lock = NSLock()
    private var signalled = false
    private var waiter: CheckedContinuation<Void, Never>?

    func signal() {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume()
        } else {
            signalled = true
            lock.unlock()
        }
    }

    /// Returns at the next signal (or at once for one already given); throws CancellationError
    /// when the task is cancelled. One waiter at a time.
    func wait() async throws {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                lock.lock()
                if signalled || Task.isCancelled {
                    signalled = false
                    lock.unlock()
                    continuation.resume()
                } else {
                    waiter = continuation
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            let waiter = self.waiter
            self.waiter = nil
            lock.unlock()
            waiter?.resume()
        }
        try Task.checkCancellation()
    }
}

/// One stock update at a time, whoever asks (a coalesced batch, a transition): each sees what the
/// previous one published, and "the apply in flight" is one thing a shutdown can wait for.
actor UpdateLane {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ operation: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        }
        return try await operation()
    }
}
