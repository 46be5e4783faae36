import CWebP
import Foundation

struct WebPError: Error, Sendable { var message: String }

/// libwebp, in-process. Every libwebp handle lives and dies inside one call.
enum WebPCodec {
    /// `rgba` (width×height) scaled to `size` by libwebp's area-averaging rescaler, as RGBA:
    /// how in-process decoded pictures (HEIF) are resized.
    static func rescale(rgba: [UInt8], width: Int, height: Int, to size: (width: Int, height: Int)) throws -> [UInt8] {
        var picture = try importPicture(rgba: rgba, width: width, height: height)
        defer { WebPPictureFree(&picture) }
        try rescale(&picture, to: size)
        var out = [UInt8](repeating: 0, count: size.width * size.height * 4)
        for y in 0..<size.height {
            for x in 0..<size.width {
                let argb = picture.argb[y * Int(picture.argb_stride) + x]  // 0xAARRGGBB
                let at = (y * size.width + x) * 4
                out[at] = UInt8(argb >> 16 & 0xFF)
                out[at + 1] = UInt8(argb >> 8 & 0xFF)
                out[at + 2] = UInt8(argb & 0xFF)
                out[at + 3] = UInt8(argb >> 24)
            }
        }
        return out
    }

    /// Lossy WebP of an RGBA buffer (alpha kept), scaled to `size` first when given.
    static func encode(rgba: [UInt8], width: Int, height: Int, scaledTo size: (width: Int, height: Int)? = nil,
                       quality: Float) throws -> Data {
        var config = WebPConfig()
        guard WebPConfigInit(&config) != 0 else { throw WebPError(message: "libwebp version mismatch") }
        config.quality = min(max(quality, 0), 100)
        config.method = 4  // libwebp's default speed/size trade-off
        guard WebPValidateConfig(&config) != 0 else { throw WebPError(message: "invalid WebP configuration") }

        var picture = try importPicture(rgba: rgba, width: width, height: height)
        defer { WebPPictureFree(&picture) }
        if let size, size.width != width || size.height != height { try rescale(&picture, to: size) }

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

    private static func importPicture(rgba: [UInt8], width: Int, height: Int) throws -> WebPPicture {
        guard width > 0, height > 0, rgba.count == width * height * 4 else {
            throw WebPError(message: "RGBA buffer is \(rgba.count) bytes, expected \(width)×\(height)×4")
        }
        var picture = WebPPicture()
        guard WebPPictureInit(&picture) != 0 else { throw WebPError(message: "libwebp version mismatch") }
        picture.use_argb = 1
        picture.width = Int32(width)
        picture.height = Int32(height)
        let imported = rgba.withUnsafeBufferPointer { pixels in
            WebPPictureImportRGBA(&picture, pixels.baseAddress, Int32(width * 4))
        }
        guard imported != 0 else {
            WebPPictureFree(&picture)
            throw WebPError(message: "out of memory importing \(width)×\(height) pixels")
        }
        return picture
    }

    private static func rescale(_ picture: inout WebPPicture, to size: (width: Int, height: Int)) throws {
        guard size.width > 0, size.height > 0, WebPPictureRescale(&picture, Int32(size.width), Int32(size.height)) != 0 else {
            throw WebPError(message: "cannot rescale \(picture.width)×\(picture.height) to \(size.width)×\(size.height)")
        }
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
