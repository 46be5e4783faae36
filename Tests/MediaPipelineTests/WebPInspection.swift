import CWebP
import Foundation

/// Width and height from the WebP header via libwebp, `nil` when the bytes are not a WebP.
func webpSize(_ data: Data) -> (width: Int, height: Int)? {
    var width: Int32 = 0
    var height: Int32 = 0
    let ok = data.withUnsafeBytes { WebPGetInfo($0.bindMemory(to: UInt8.self).baseAddress, $0.count, &width, &height) }
    return ok != 0 ? (Int(width), Int(height)) : nil
}

func webpSize(_ url: URL) throws -> (width: Int, height: Int)? { webpSize(try Data(contentsOf: url)) }

/// Fully decodes a WebP (proving it is valid) and returns the RGBA pixel at (x, y).
func webpPixel(_ url: URL, x: Int, y: Int) throws -> [UInt8]? {
    let data = try Data(contentsOf: url)
    return data.withUnsafeBytes { raw -> [UInt8]? in
        var width: Int32 = 0
        var height: Int32 = 0
        guard let pixels = WebPDecodeRGBA(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &width, &height) else {
            return nil
        }
        defer { WebPFree(pixels) }
        guard x < width, y < height else { return nil }
        let index = (y * Int(width) + x) * 4
        return Array(UnsafeBufferPointer(start: pixels + index, count: 4))
    }
}
