// Durations of the publish config (`grace: 1h`): a plain number of seconds, or a number and
// one of s, m, h, d. What is accepted must be a finite, non-negative number of seconds, and
// a number with a unit must be that number times the unit; written out as messages write it
// (`durationText`), it reads back the same.
import Foundation
@testable import Publisher

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let seconds = PublishConfig.parseDuration(text) else { return 0 }
    guard seconds.isFinite, seconds >= 0 else { fail("read as \(seconds) seconds", text) }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
    if let unit = trimmed.last, let scale = units[unit], let number = Double(trimmed.dropLast()), Double(trimmed) == nil {
        guard seconds == number * scale else { fail("read as \(seconds) seconds, not \(number) × \(scale)", text) }
    }
    // As error messages print it, and read back.
    let written = PublishConfig.durationText(seconds)
    guard PublishConfig.parseDuration(written) == seconds else { fail("\(seconds) s is written \(written), which reads back differently", text) }
    return 0
}

func fail(_ what: String, _ text: String) -> Never {
    FileHandle.standardError.write(Data("DURATION PROPERTY VIOLATED:\n\(what)\nin: \(text.debugDescription)\n".utf8))
    fatalError("duration property violated")
}
