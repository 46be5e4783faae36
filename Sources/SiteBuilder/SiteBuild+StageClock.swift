import Foundation

extension SiteBuild {
    /// Times the stages of one build.
    final class StageClock: @unchecked Sendable {
        private let lock = NSLock()
        private var stages: [Report.Stage] = []
        private var current: (name: String, started: ContinuousClock.Instant)?

        func begin(_ name: String) {
            lock.withLock {
                close()
                current = (name, .now)
            }
        }

        func finish() -> [Report.Stage] {
            lock.withLock {
                close()
                return stages
            }
        }

        private func close() {
            guard let current else { return }
            let seconds = (ContinuousClock.now - current.started) / .seconds(1)
            stages.append(Report.Stage(stage: current.name, seconds: (seconds * 1000).rounded() / 1000))
            self.current = nil
        }
    }
}
