import Foundation

/// The EXIF Orientation tag of a JPEG, read from its APP1 segment. ffmpeg 5.1 rotates some of
/// these itself and ignores the mirrored ones, so stills are decoded with `-noautorotate` and
/// oriented by the filters below: the same result on every ffmpeg version.
struct EXIFOrientation: Sendable, Equatable {
    /// 1…8 as in the EXIF specification; 1 is "as stored".
    var value: Int

    static let normal = EXIFOrientation(value: 1)

    /// Width and height trade places for the transposing orientations.
    var swapsDimensions: Bool { (5...8).contains(value) }

    /// ffmpeg filters that turn the stored picture into the displayed one.
    var filters: [String] {
        switch value {
        case 2: ["hflip"]
        case 3: ["hflip", "vflip"]
        case 4: ["vflip"]
        case 5: ["transpose=cclock_flip"]  // transpose (mirror across the main diagonal)
        case 6: ["transpose=clock"]
        case 7: ["transpose=clock_flip"]   // transverse
        case 8: ["transpose=cclock"]
        default: []
        }
    }

    /// Reads the tag; anything missing or malformed counts as `normal`.
    static func read(jpeg data: Data) -> EXIFOrientation {
        let bytes = [UInt8](data.prefix(256 * 1024))  // APP1 comes first; no need for the scan data
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return .normal }
        var index = 2
        while index + 4 <= bytes.count {
            guard bytes[index] == 0xFF else { return .normal }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }  // fill byte
            if marker == 0xD9 || marker == 0xDA { return .normal }  // end of image / start of scan
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { index += 2; continue }  // no length
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            guard length >= 2 else { return .normal }
            let start = index + 4
            let end = min(index + 2 + length, bytes.count)
            if marker == 0xE1, end - start > 6,
               bytes[start..<start + 6].elementsEqual([0x45, 0x78, 0x69, 0x66, 0, 0]) {  // "Exif\0\0"
                if let value = read(tiff: Array(bytes[start + 6..<end])) {
                    return EXIFOrientation(value: value)
                }
            }
            index += 2 + length
        }
        return .normal
    }

    /// Finds tag 0x0112 in IFD0 of a TIFF structure (a JPEG's APP1, a HEIF file's Exif item).
    static func read(tiff: [UInt8]) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x4D, 0x4D): bigEndian = true
        case (0x49, 0x49): bigEndian = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return bigEndian ? Int(tiff[at]) << 8 | Int(tiff[at + 1]) : Int(tiff[at + 1]) << 8 | Int(tiff[at])
        }
        func u32(_ at: Int) -> Int? {
            guard let high = u16(bigEndian ? at : at + 2), let low = u16(bigEndian ? at + 2 : at) else { return nil }
            return high << 16 | low
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112 {
                guard u16(at + 2) == 3, let value = u16(at + 8), (1...8).contains(value) else { return nil }
                return value
            }
        }
        return nil
    }
}

extension EXIFOrientation {
    /// The stored picture turned into the displayed one, in memory (HEIF stills, which ffmpeg
    /// does not decode): each stored pixel (x, y) of a w×h picture lands where the filters above
    /// would put it.
    func apply(to picture: HEIFDecoder.Picture) -> HEIFDecoder.Picture {
        let (w, h) = (picture.width, picture.height)
        let (outWidth, outHeight) = swapsDimensions ? (h, w) : (w, h)
        var out = [UInt32](repeating: 0, count: w * h)
        let value = value
        picture.rgba.withUnsafeBytes { raw in
            let source = raw.bindMemory(to: UInt32.self)
            out.withUnsafeMutableBufferPointer { target in
                for y in 0..<h {
                    for x in 0..<w {
                        let (dx, dy) = switch value {
                        case 2: (w - 1 - x, y)
                        case 3: (w - 1 - x, h - 1 - y)
                        case 4: (x, h - 1 - y)
                        case 5: (y, x)
                        case 6: (h - 1 - y, x)
                        case 7: (h - 1 - y, w - 1 - x)
                        case 8: (y, w - 1 - x)
                        default: (x, y)
                        }
                        target[dy * outWidth + dx] = source[y * w + x]
                    }
                }
            }
        }
        let bytes = out.withUnsafeBytes { [UInt8]($0) }
        return HEIFDecoder.Picture(rgba: bytes, width: outWidth, height: outHeight)
    }
}
