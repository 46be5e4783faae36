import Foundation

/// What a finished ffmpeg/ffprobe run left behind.
struct ToolResult: Sendable {
    var status: Int32
    var stdout: Data
    var stderr: String

    /// The last lines of stderr, which is where ffmpeg says what went wrong.
    var stderrTail: String {
        stderr.split(whereSeparator: \.isNewline).suffix(6).joined(separator: "\n")
    }
}

struct ToolNotFound: Error, Sendable {
    var tool: String

    /// What to tell the creator when a tool could not be started at all.
    static func message(for error: any Error, running tool: String) -> String {
        if let missing = error as? ToolNotFound {
            return "\(missing.tool) not found on PATH (scripts/install-deps.sh installs it)"
        }
        return "cannot run \(tool): \(error.localizedDescription)"
    }
}

/// Runs ffmpeg and ffprobe with an argument array, never through a shell. stdout and stderr go
/// to temporary files instead of pipes, so a full pipe can never deadlock the child.
enum ToolRunner {
    static func locate(_ tool: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Blocking run, for planning (which is synchronous by design).
    static func run(_ tool: String, _ arguments: [String]) throws -> ToolResult {
        let launch = try Launch(tool, arguments)
        do {
            try launch.process.run()
        } catch {
            launch.launchError = error
            _ = launch.finish()
            throw error
        }
        launch.process.waitUntilExit()
        return launch.finish()
    }

    /// Non-blocking run: the calling task is suspended, not a cooperative thread. Cancelling the
    /// task terminates the child.
    static func run(_ tool: String, _ arguments: [String]) async throws -> ToolResult {
        let launch = try Launch(tool, arguments)
        let process = launch.process
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                process.terminationHandler = { _ in continuation.resume() }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    launch.launchError = error
                    continuation.resume()
                }
            }
        } onCancel: {
            if process.isRunning { process.terminate() }
        }
        if let error = launch.launchError {
            _ = launch.finish()
            throw error
        }
        let result = launch.finish()
        try Task.checkCancellation()
        return result
    }

    /// A configured child process with its output files.
    private final class Launch: @unchecked Sendable {
        // Only touched by the launching function before run() and after exit.
        let process = Process()
        let stdoutURL: URL
        let stderrURL: URL
        let stdoutHandle: FileHandle
        let stderrHandle: FileHandle
        var launchError: (any Error)?

        init(_ tool: String, _ arguments: [String]) throws {
            guard let executable = ToolRunner.locate(tool) else { throw ToolNotFound(tool: tool) }
            let temp = FileManager.default.temporaryDirectory
            let id = UUID().uuidString
            stdoutURL = temp.appendingPathComponent("dropgen-\(tool)-\(id).out")
            stderrURL = temp.appendingPathComponent("dropgen-\(tool)-\(id).err")
            guard FileManager.default.createFile(atPath: stdoutURL.path, contents: nil),
                  FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
            else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temp.path]) }
            stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
            stderrHandle = try FileHandle(forWritingTo: stderrURL)
            process.executableURL = executable
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = stdoutHandle
            process.standardError = stderrHandle
        }

        func finish() -> ToolResult {
            try? stdoutHandle.close()
            try? stderrHandle.close()
            defer {
                try? FileManager.default.removeItem(at: stdoutURL)
                try? FileManager.default.removeItem(at: stderrURL)
            }
            let stdout = (try? Data(contentsOf: stdoutURL)) ?? Data()
            let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            let status = launchError != nil || process.isRunning ? -1 : process.terminationStatus
            return ToolResult(status: status, stdout: stdout, stderr: stderr)
        }
    }
}
