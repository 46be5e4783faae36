// RFC 3339 times (`--now`, `opens:`, CSV dates): a time it accepts must be the instant
// Foundation's Gregorian calendar computes from the same fields (from 1583 on, where Foundation's
// calendar is Gregorian too), and must survive `format` and `parse` again to the second.
import Foundation
import SiteManifest

let utc = TimeZone(identifier: "UTC")!
nonisolated(unsafe) var calendar: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = utc
    return calendar
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let date = RFC3339.parse(text) else { return 0 }
    let seconds = date.timeIntervalSince1970
    guard seconds.isFinite else { fail("not a finite instant: \(seconds)", text) }
    let whole = seconds.rounded(.down)
    // The fields as written: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
    let bytes = Array(text.utf8)
    func number(_ from: Int, _ count: Int) -> Int { Int(String(decoding: bytes[from..<from + count], as: UTF8.self))! }
    let year = number(0, 4)
    if year >= 1583 {
        var offset = 0
        if bytes.last != UInt8(ascii: "Z") && bytes.last != UInt8(ascii: "z") {
            let sign = bytes[bytes.count - 6] == UInt8(ascii: "-") ? -1 : 1
            offset = sign * (number(bytes.count - 5, 2) * 3600 + number(bytes.count - 2, 2) * 60)
        }
        let fields = DateComponents(year: year, month: number(5, 2), day: number(8, 2),
                                    hour: number(11, 2), minute: number(14, 2), second: number(17, 2))
        guard let reference = calendar.date(from: fields) else { fail("Foundation finds no such date", text) }
        let expected = reference.timeIntervalSince1970 - Double(offset)
        guard expected == whole else { fail("\(whole) s, Foundation's calendar says \(expected) s", text) }
    }
    let formatted = RFC3339.format(date)
    if let again = RFC3339.parse(formatted) {
        guard again.timeIntervalSince1970 == whole else {
            fail("formatted as \(formatted), which reads back as \(again.timeIntervalSince1970) s, not \(whole) s", text)
        }
    } else if seconds >= -62_167_219_200 && seconds < 253_402_300_800 {  // 0000-01-01 ... 9999-12-31 UTC
        fail("formatted as \(formatted), which does not read back", text)
    }
    return 0
}

func fail(_ what: String, _ text: String) -> Never {
    FileHandle.standardError.write(Data("RFC 3339 PROPERTY VIOLATED:\n\(what)\nin: \(text.debugDescription)\n".utf8))
    fatalError("RFC 3339 property violated")
}
