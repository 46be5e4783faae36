import ArgumentParser
import Foundation
import SiteBuilder

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

/// `--now RFC3339`: the clock that drop states are computed at.
struct ClockOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Compute drop states at this instant, e.g. 2026-12-04T18:00:00+01:00 (default: SOURCE_DATE_EPOCH if set, else now).",
        valueName: "RFC3339"))
    var now: String?

    func validate() throws {
        if let now {
            _ = try parseNow(now)
        } else if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
            _ = try parseSourceDateEpoch(epoch)
        }
    }

    var date: Date {
        if let now, let date = try? parseNow(now) { return date }
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let date = try? parseSourceDateEpoch(epoch) {
            return date
        }
        return Date()
    }
}

/// A `--now` value: an RFC 3339 time with an offset, between years 0000 and 9999 in UTC; anything
/// else is a usage error (exit 2).
func parseNow(_ text: String, example: String = "2026-12-04T18:00:00+01:00") throws -> Date {
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
func parseSourceDateEpoch(_ text: String) throws -> Date {
    guard let seconds = Int(text) else {
        throw ValidationError("SOURCE_DATE_EPOCH=\(text): expected whole seconds since 1970")
    }
    guard RFC3339.secondsRange.contains(seconds) else {
        throw ValidationError("SOURCE_DATE_EPOCH=\(text): must be from \(RFC3339.secondsRange.lowerBound) to "
                              + "\(RFC3339.secondsRange.upperBound) (between \(RFC3339.rangeText))")
    }
    return Date(timeIntervalSince1970: Double(seconds))
}
