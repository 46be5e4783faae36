import Foundation

/// Runs `body` on a thread of its own with a 16 MB stack, and waits for it.
func onLargeStack(_ body: () -> Void) {
    withoutActuallyEscaping(body) { body in
        let box = ClosureBox(body)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.run()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        done.wait()
    }
}

/// Hands a closure to another thread and lets go of it once run: it must not outlive the call.
private final class ClosureBox: @unchecked Sendable {
    private var body: (() -> Void)?
    init(_ body: @escaping () -> Void) { self.body = body }
    func run() {
        body?()
        body = nil
    }
}
