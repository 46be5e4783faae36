import ArgumentParser
import Foundation
import SiteBuilder
import SiteManifest

/// `new drop` and `init` refusing to overwrite or to guess: the user's input, not dropgen's fault.
extension Scaffold.Refused: UserError {}

/// `--site DIR`: every command works on one site folder.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site folder (holding dropgen.yaml).", valueName: "DIR"))
    var site: String = "."

    var root: URL { URL(fileURLWithPath: site, isDirectory: true).standardizedFileURL }

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: site, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--site \(site): no such folder")
        }
    }
}

/// What `--now` means to a command: its help, the example its error names, and whether
/// `SOURCE_DATE_EPOCH` stands in when `--now` is not given.
protocol ClockPurpose {
    static var help: String { get }
    static var example: String { get }
    static var readsSourceDateEpoch: Bool { get }
}

/// `build`, `check`, `init`, `new drop`, `next-rebuild`: the instant drop states are computed at.
enum DropStateClock: ClockPurpose {
    static let help = "Compute drop states at this instant, e.g. 2026-12-04T18:00:00+01:00 (default: SOURCE_DATE_EPOCH if set, else now)."
    static let example = "2026-12-04T18:00:00+01:00"
    static let readsSourceDateEpoch = true
}

/// `serve`: a fixed instant for every rebuild, or the wall clock at each.
enum PreviewClock: ClockPurpose {
    static let help = "Compute drop states at this fixed instant (default: the wall clock at each rebuild)."
    static let example = "2026-12-04T18:00:00+01:00"
    static let readsSourceDateEpoch = false
}

/// `publish`, `deploys`, `rollback`: the time a deploy is stamped with.
enum DeployClock: ClockPurpose {
    static let help = "The time to stamp the deploy with, RFC 3339 (default: now)."
    static let example = "2026-11-29T01:30:00Z"
    static let readsSourceDateEpoch = false
}

/// `--now RFC3339`, the one way every command takes a clock: read and checked here only.
struct ClockOptions<Purpose: ClockPurpose>: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(Purpose.help, valueName: "RFC3339"))
    var now: String?

    func validate() throws {
        if let now {
            _ = try parseNow(now, example: Purpose.example)
        } else if Purpose.readsSourceDateEpoch, let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
            _ = try parseSourceDateEpoch(epoch)
        }
    }

    /// The instant given: `--now`, else `SOURCE_DATE_EPOCH` where the purpose reads it; nil for the wall clock.
    var fixed: Date? {
        if let now { return try? parseNow(now, example: Purpose.example) }
        if Purpose.readsSourceDateEpoch, let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
            return try? parseSourceDateEpoch(epoch)
        }
        return nil
    }

    /// `fixed`, or the wall clock now.
    var date: Date { fixed ?? Date() }
}

/// A `--now` value: an RFC 3339 time with an offset, between years 0000 and 9999 in UTC; anything
/// else is a usage error (exit 2).
private func parseNow(_ text: String, example: String) throws -> Date {
    guard let date = RFC3339.parse(text) else {
        throw ValidationError("--now \(text): expected an RFC 3339 time with an offset, such as \(example)")
    }
    // The parser reads four-digit years only: the seconds fit an Int.
    guard RFC3339.secondsRange.contains(Int(date.timeIntervalSince1970.rounded(.down))) else {
        throw ValidationError("--now \(text): must be between \(RFC3339.rangeText)")
    }
    return date
}

/// `SOURCE_DATE_EPOCH`: whole seconds since 1970 within `RFC3339.secondsRange`.
private func parseSourceDateEpoch(_ text: String) throws -> Date {
    guard let seconds = Int(text) else {
        throw ValidationError("SOURCE_DATE_EPOCH=\(text): expected whole seconds since 1970")
    }
    guard RFC3339.secondsRange.contains(seconds) else {
        throw ValidationError("SOURCE_DATE_EPOCH=\(text): must be from \(RFC3339.secondsRange.lowerBound) to "
                              + "\(RFC3339.secondsRange.upperBound) (between \(RFC3339.rangeText))")
    }
    return Date(timeIntervalSince1970: Double(seconds))
}
