import CWebP
import Foundation

struct WebPError: Error, Sendable { var message: String }

/// libwebp, in-process. Every libwebp handle lives and dies inside one call.
enum WebPCodec {
    /// Lossy WebP of an RGBA buffer (alpha kept).
    static func encode(rgba: [UInt8], width: Int, height: Int, quality: Float) throws -> Data {
        guard width > 0, height > 0, rgba.count == width * height * 4 else {
            throw WebPError(message: "RGBA buffer is \(rgba.count) bytes, expected \(width)×\(height)×4")
        }
        var config = WebPConfig()
        guard WebPConfigInit(&config) != 0 else { throw WebPError(message: "libwebp version mismatch") }
        config.quality = min(max(quality, 0), 100)
        config.method = 4  // libwebp's default speed/size trade-off
        guard WebPValidateConfig(&config) != 0 else { throw WebPError(message: "invalid WebP configuration") }

        var picture = WebPPicture()
        guard WebPPictureInit(&picture) != 0 else { throw WebPError(message: "libwebp version mismatch") }
        picture.use_argb = 1
        picture.width = Int32(width)
        picture.height = Int32(height)
        defer { WebPPictureFree(&picture) }
        let imported = rgba.withUnsafeBufferPointer { pixels in
            WebPPictureImportRGBA(&picture, pixels.baseAddress, Int32(width * 4))
        }
        guard imported != 0 else { throw WebPError(message: "out of memory importing \(width)×\(height) pixels") }

        var writer = WebPMemoryWriter()
        WebPMemoryWriterInit(&writer)
        defer { WebPMemoryWriterClear(&writer) }
        let encoded = withUnsafeMutablePointer(to: &writer) { writerPointer in
            picture.writer = WebPMemoryWrite
            picture.custom_ptr = UnsafeMutableRawPointer(writerPointer)
            return WebPEncode(&config, &picture)
        }
        guard encoded != 0, let memory = writer.mem else {
            throw WebPError(message: "WebPEncode failed (error \(picture.error_code.rawValue))")
        }
        return Data(bytes: memory, count: writer.size)
    }

    /// Width and height from a WebP header, or `nil` when it is not a WebP.
    static func info(_ data: Data) -> (width: Int, height: Int)? {
        var width: Int32 = 0
        var height: Int32 = 0
        let ok = data.withUnsafeBytes { raw in
            WebPGetInfo(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &width, &height)
        }
        return ok != 0 ? (Int(width), Int(height)) : nil
    }

    /// `1.2.4`, for the encoder version that every output hash covers.
    static var encoderVersion: String {
        let version = WebPGetEncoderVersion()
        return "\(version >> 16 & 0xFF).\(version >> 8 & 0xFF).\(version & 0xFF)"
    }
}
