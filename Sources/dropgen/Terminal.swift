import ArgumentParser
import Foundation
import MediaPipeline
import Publisher
import SiteBuilder
import SiteManifest
import SiteSource

#if canImport(Glibc)
import Glibc
#endif

/// Progress on a terminal; silence in CI and under --json. Errors always go to stderr, once.
final class Terminal: @unchecked Sendable {
    let isInteractive: Bool
    private let lock = NSLock()
    private var drewProgress = false

    init(quiet: Bool) {
        isInteractive = !quiet && isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    var progressHandler: (@Sendable (SiteBuild.Progress) -> Void)? {
        guard isInteractive else { return nil }
        return { [self] event in
            switch event {
            case .stage(let name): draw(name + "…")
            case .media(let done, let total, let path): draw(bar(done, total) + " \(done)/\(total) \(path)")
            case .pages(let done, let total): draw("Rendering pages " + bar(done, total) + " \(done)/\(total)")
            }
        }
    }

    private func bar(_ done: Int, _ total: Int) -> String {
        let width = 24, filled = total == 0 ? width : width * done / total
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    func draw(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        let line = LineSafe.terminalEscaped(line)
        let clipped = line.count > 100 ? String(line.prefix(99)) + "…" : line
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(clipped)".utf8))
        drewProgress = true
    }

    func finishProgress() {
        lock.lock(); defer { lock.unlock() }
        if drewProgress { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        drewProgress = false
    }
}

/// Errors caused by the input or the environment the user controls (bad media, an output
/// folder that is not ours): exit 1, not an internal failure.
protocol UserError: Error {}
extension MediaError: UserError {}
extension OutputWriter.Refused: UserError {}

extension ExitCode {
    static let internalFailure = ExitCode(3)
}

/// Runs a library call and maps its errors to readable stderr text and the documented exit codes.
func runReportingErrors<T>(_ terminal: Terminal, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let failure as BuildFailed {
        terminal.finishProgress()
        printError(failure.description)
        throw ExitCode(1)
    } catch let diagnostic as Diagnostic {
        terminal.finishProgress()
        printError(diagnostic.description)
        throw ExitCode(1)
    } catch let exit as ExitCode {
        throw exit
    } catch let error as any UserError {
        terminal.finishProgress()
        printError("error: \(error)")
        throw ExitCode(1)
    } catch {
        terminal.finishProgress()
        printError("internal error: \(error)")
        throw ExitCode.internalFailure
    }
}

/// `text` on stderr, with any control character from content escaped (lines kept).
func printError(_ text: String) {
    let text = LineSafe.terminalEscaped(text, keepingLines: true)
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

func formatBytes(_ bytes: Int) -> String {
    bytes < 1024 ? "\(bytes) B" : bytes < 1_048_576 ? String(format: "%.1f KB", Double(bytes) / 1024)
        : String(format: "%.1f MB", Double(bytes) / 1_048_576)
}
