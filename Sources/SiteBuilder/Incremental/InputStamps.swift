import Crypto
import Foundation
import SiteManifest

#if canImport(Glibc)
import Glibc
#endif

/// Every file a build can read (the site's `dropgen.yaml`, `content/`, `data/`, `templates/`,
/// `static/`, and the dropgen executable itself, which holds the built-in theme) with its size, modification
/// time and sha256, plus the build clock and the stock ledger's digest. Kept beside the output
/// as `.dropgen/inputs`.
///
/// A build's bytes are a function of exactly these, so when all of them are unchanged and the
/// output is intact, the build has nothing to do. A file whose size and time are unchanged is
/// taken as unchanged; any other is read and its hash compared, so a fresh `git clone` (new
/// times, same bytes) still counts as unchanged.
struct InputStamps: Sendable, Equatable {
    static let relativePath = ".dropgen/inputs"
    static let format = "dropgen-inputs-1"
    struct Stamp: Sendable, Equatable {
        var size: Int
        var modified: Int
        var sha256: String
    }

    var now: String
    /// The digest of the stock ledger the build applied (`SiteBuild.Options.stock`); nil for none.
    var stock: String?
    /// A digest of the access secret (`AccessToken.stamp`); nil without one.
    var access: String?
    /// By path: site-relative, or absolute for the executable.
    var files: [String: Stamp]
    /// The output the build wrote, path → size: checked (by `stat`) before a build is skipped.
    var outputs: [String: Int] = [:]

    /// Size and time of every input file, by path. Hidden files count too: a drop may name one
    /// as its media.
    static func scan(siteRoot: URL) -> [String: FileStamps.Stamp] {
        var found: [String: FileStamps.Stamp] = [:]
        for input in SiteBuild.inputs {
            FileStamps.collect(siteRoot.path + "/" + input, named: input, skippingHidden: false, into: &found)
        }
        if let executable { FileStamps.collect(executable, named: executable, skippingHidden: false, into: &found) }
        return found
    }

    private static let executable = Bundle.main.executablePath

    /// Stamps of the `found` files (see `scan`). Unchanged sizes and times take the hash from
    /// `previous`. Without `previous` nothing can be skipped, so nothing is read here: the build
    /// reads the files anyway, and `hashingRest(knowing:)` completes the stamps once it has.
    /// `allKnown`: every stamp was taken whole from `previous`, so the two hold the same stamps.
    static func current(_ found: [String: FileStamps.Stamp], siteRoot: URL, now: Date,
                        previous: InputStamps?) async -> (stamps: InputStamps, allKnown: Bool) {
        var stamps = InputStamps(now: RFC3339.format(now), files: [:])
        stamps.files.reserveCapacity(found.count)
        var known = 0
        for (path, file) in found {
            if let stamp = previous?.files[path], stamp.size == file.size, stamp.modified == file.modified {
                stamps.files[path] = stamp
                known += 1
            } else if path == executable {
                // The executable is large and replaced, never edited: its time identifies it.
                stamps.files[path] = Stamp(size: file.size, modified: file.modified, sha256: "time-\(file.modified)")
            } else {
                stamps.files[path] = Stamp(size: file.size, modified: file.modified, sha256: "")
            }
        }
        let allKnown = known == found.count && known == previous?.files.count
        return (previous == nil ? stamps : await stamps.hashingRest(siteRoot: siteRoot, knowing: [:]), allKnown)
    }

    /// The stamps with every missing hash filled in: from `known` (path → sha256 of files the
    /// build has read already), else by reading the file. A file that cannot be read is left out.
    func hashingRest(siteRoot: URL, knowing known: [String: String]) async -> InputStamps {
        let missing = files.filter { $0.value.sha256.isEmpty }
        let hashed = await concurrentMap(chunked(Array(missing), into: ProcessInfo.processInfo.activeProcessorCount * 4)) { chunk in
            chunk.map { path, stamp -> (String, Stamp?) in
                var stamp = stamp
                if let digest = known[path] {
                    stamp.sha256 = digest
                    return (path, stamp)
                }
                let full = path.hasPrefix("/") ? path : siteRoot.path + "/" + path
                guard let data = try? Data(contentsOf: URL(fileURLWithPath: full), options: .mappedIfSafe) else { return (path, nil) }
                stamp.sha256 = SHA256.hash(data: data).hex
                return (path, stamp)
            }
        }
        var complete = self
        for (path, stamp) in hashed.joined() { complete.files[path] = stamp }
        return complete
    }

    /// Same files, same bytes, same clock, same stock. Times may differ: they say nothing about
    /// the bytes. Outputs are not compared: they are what the inputs make.
    func sameInputs(as other: InputStamps) -> Bool {
        now == other.now && stock == other.stock && access == other.access && files.count == other.files.count
            && files.allSatisfy { path, stamp in other.files[path].map { $0.size == stamp.size && $0.sha256 == stamp.sha256 } ?? false }
    }

    /// The clock on the second line, an `s <digest>` line for a stock ledger, an `a <digest>`
    /// line for an access secret, then one
    /// `i <sha256> <size> <time> <path>` line per input and one `o <size> <path>` line per
    /// output, each sorted by path.
    func encoded() -> Data {
        var text = RecordText()
        text.line(Self.format)
        text.line(now)
        if let stock { text.line("s", stock) }
        if let access { text.line("a", access) }
        for (path, stamp) in files.sorted(by: { $0.key < $1.key }) {
            text.line("i", stamp.sha256, String(stamp.size), String(stamp.modified), path)
        }
        for (path, size) in outputs.sorted(by: { $0.key < $1.key }) { text.line("o", String(size), path) }
        return text.data
    }

    /// Parsed from bytes in one pass: this runs before every build, over one line per site file
    /// and one per output file.
    static func decode(_ data: Data) -> InputStamps? {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> InputStamps? in
            var position = 0
            /// The next line, without its newline.
            func line() -> Range<Int>? {
                guard position < bytes.count else { return nil }
                let start = position
                while position < bytes.count, bytes[position] != 0x0A { position += 1 }
                defer { position += 1 }
                return start..<position
            }
            func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
            /// The field from `start` up to the next space (or the line's end), and where the next begins.
            func field(_ line: Range<Int>, from start: Int) -> (Range<Int>, next: Int) {
                var end = start
                while end < line.upperBound, bytes[end] != 0x20 { end += 1 }
                return (start..<end, end + 1)
            }
            func integer(_ range: Range<Int>) -> Int? {
                guard !range.isEmpty, range.count < 20 else { return nil }
                var value = 0
                for index in range {
                    let byte = bytes[index]
                    guard byte >= 0x30, byte <= 0x39 else { return nil }
                    value = value * 10 + Int(byte - 0x30)
                }
                return value
            }
            guard let header = line(), bytes[header].elementsEqual(format.utf8), let clock = line() else { return nil }
            var stamps = InputStamps(now: text(clock), files: [:])
            let estimate = bytes.count / 64
            stamps.files.reserveCapacity(estimate)
            stamps.outputs.reserveCapacity(estimate)
            while let current = line() {
                guard current.count > 2, bytes[current.lowerBound + 1] == 0x20 else { if current.isEmpty { continue } else { return nil } }
                switch bytes[current.lowerBound] {
                case UInt8(ascii: "i"):
                    let (hash, afterHash) = field(current, from: current.lowerBound + 2)
                    let (size, afterSize) = field(current, from: afterHash)
                    let (modified, afterTime) = field(current, from: afterSize)
                    guard afterTime <= current.upperBound, let size = integer(size), let modified = integer(modified) else { return nil }
                    stamps.files[text(afterTime..<current.upperBound)] = Stamp(size: size, modified: modified, sha256: text(hash))
                case UInt8(ascii: "s"):
                    stamps.stock = text(current.lowerBound + 2..<current.upperBound)
                case UInt8(ascii: "a"):
                    stamps.access = text(current.lowerBound + 2..<current.upperBound)
                case UInt8(ascii: "o"):
                    let (size, afterSize) = field(current, from: current.lowerBound + 2)
                    guard afterSize <= current.upperBound, let size = integer(size) else { return nil }
                    stamps.outputs[text(afterSize..<current.upperBound)] = size
                default:
                    return nil
                }
            }
            return stamps
        }
    }
}

/// The text of a build record, a line at a time, as bytes: records list every input and output
/// of a site, and a String grown by interpolation was slow at that size.
struct RecordText {
    private(set) var bytes: [UInt8] = []

    /// The fields separated by spaces, then a newline.
    mutating func line(_ fields: String...) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: " ")) }
            bytes += field.utf8
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    var data: Data { Data(bytes) }
}
