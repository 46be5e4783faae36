import Crypto
import Foundation
import SiteManifest

/// Content-hashed output names: `media/<stem>.<hash>.<ext>`, where the hash covers the input
/// bytes, every parameter and the encoder version, so a name never points at two contents.
enum ContentHash {
    static let hexLength = 16

    /// SHA-256 of a file, read in chunks so a large video never sits in memory whole.
    static func fileDigest(_ url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().hex
    }

    static func digest(_ data: Data) -> String { SHA256.hash(data: data).hex }

    static func outputPath(stem: String, ext: String, inputDigest: String, parameters: [String]) -> String {
        var hasher = SHA256()
        for part in [EncoderVersion.current, inputDigest] + parameters {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))  // separator, so ["ab","c"] ≠ ["a","bc"]
        }
        let hash = String(hasher.finalize().hex.prefix(hexLength))
        return "media/\(stem).\(hash).\(ext)"
    }

    /// `My Mug (final).JPG` → `my-mug-final`; never empty.
    static func slug(_ fileStem: String) -> String {
        var slug = ""
        for scalar in fileStem.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "media" : String(slug.prefix(60))
    }
}

/// Names the encoders that produce the bytes. A new ffmpeg, libwebp or libheif (or a change to how
/// dropgen drives them, `pipeline`) gives new hashes, hence new names and cache keys.
enum EncoderVersion {
    static let pipeline = "dropgen-media/2"

    static let current: String = {
        "\(pipeline); \(ffmpeg); libwebp \(WebPCodec.encoderVersion); libheif \(HEIFDecoder.version)"
    }()

    /// First line of `ffmpeg -version` without the copyright, e.g. `ffmpeg version 5.1.9-0+deb12u1`.
    static let ffmpeg: String = {
        guard let result = try? ToolRunner.run("ffmpeg", ["-version"]), result.status == 0,
              let line = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").first
        else { return "ffmpeg unavailable" }
        return line.components(separatedBy: " Copyright").first ?? String(line)
    }()
}
