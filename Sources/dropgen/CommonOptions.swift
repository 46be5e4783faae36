import ArgumentParser
import Foundation
import SiteBuilder

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
        if let now, RFC3339.parse(now) == nil {
            throw ValidationError("--now \(now): expected an RFC 3339 time with an offset, such as 2026-12-04T18:00:00+01:00")
        }
        if now == nil, let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], Int(epoch) == nil {
            throw ValidationError("SOURCE_DATE_EPOCH=\(epoch): expected whole seconds since 1970")
        }
    }

    var date: Date {
        if let now, let date = RFC3339.parse(now) { return date }
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int(epoch) {
            return Date(timeIntervalSince1970: Double(seconds))
        }
        return Date()
    }
}
