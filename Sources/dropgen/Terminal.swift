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
            case .media(let done, let total, let path): draw(Self.bar(done, total) + " \(done)/\(total) \(path)")
            case .pages(let done, let total): draw("Rendering pages " + Self.bar(done, total) + " \(done)/\(total)")
            }
        }
    }

    /// A publish's or a rollback's progress: files so far, and the bar by bytes.
    var publishProgressHandler: (@Sendable (PublishProgress) -> Void)? {
        guard isInteractive else { return nil }
        let counts = PublishCounts()
        return { [self] event in
            switch counts.update(event) {
            case .draw(let line): draw(line)
            case .clear: finishProgress()
            case .unchanged: break
            }
        }
    }

    /// `[####....]`, `done` of `total` filled (all of it when there is nothing to do): the one
    /// progress bar, for builds and publishes alike.
    static func bar(_ done: Int, _ total: Int) -> String {
        let width = 24, filled = total <= 0 || done >= total ? width : width * max(done, 0) / total
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

/// Files and bytes a publish or rollback has done, of those it planned; events arrive from its workers.
final class PublishCounts: @unchecked Sendable {
    enum Update { case draw(String), clear, unchanged }

    private let lock = NSLock()
    private var totalFiles = 0, totalBytes = 0, files = 0, bytes = 0

    func update(_ event: PublishProgress) -> Update {
        lock.withLock {
            switch event {
            case let .planned(count, size):
                (totalFiles, totalBytes) = (count, size)
            case let .uploaded(_, size):
                files += 1
                bytes += size
            case .copied:
                files += 1
            case .live:
                return .clear
            case .verified, .deleted:
                return .unchanged
            }
            // By bytes when the plan has any, else by files (a rollback's copies upload nothing).
            let bar = totalBytes > 0 ? Terminal.bar(bytes, totalBytes) : Terminal.bar(files, totalFiles)
            let line = "\(bar) \(files)/\(max(totalFiles, files)) files"
            return .draw(totalBytes > 0 || bytes > 0 ? line + ", \(bytes / 1024)/\(totalBytes / 1024) KiB" : line)
        }
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

/// Every `--json` report: `value` (a JSON object) with the top-level `"dropgen"` key, which says
/// which dropgen made it.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(Versioned(value: value)), as: UTF8.self))
}

/// A report and `DropgenVersion.description` in one object: both encode into the same container.
private struct Versioned<Report: Encodable>: Encodable {
    var value: Report
    enum Key: String, CodingKey { case dropgen }

    func encode(to encoder: Encoder) throws {
        try value.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(DropgenVersion.description, forKey: .dropgen)
    }
}

func formatBytes(_ bytes: Int) -> String {
    bytes < 1024 ? "\(bytes) B" : bytes < 1_048_576 ? String(format: "%.1f KB", Double(bytes) / 1024)
        : String(format: "%.1f MB", Double(bytes) / 1_048_576)
}
