import CHeif
import Foundation

/// HEIC, HEIF and AVIF stills (what phones save photos as), read in-process by libheif. Every
/// libheif handle lives and dies inside one call, so calls may run on many tasks at once.
///
/// Orientation: libheif applies the file's `irot` and `imir` transforms while decoding (HEIF
/// makes them normative; the EXIF Orientation of such a file only describes them again). A file
/// without either, as some converters write, is oriented by its EXIF Orientation instead.
enum HEIFDecoder {
    struct Failure: Error, Sendable {
        var message: String
    }

    /// The primary image as it is displayed, known before any pixel is decoded.
    struct Header: Sendable {
        /// After `irot`/`imir`, before the EXIF orientation.
        var width: Int
        var height: Int
        /// To apply after decoding; `.normal` when the file has `irot` or `imir`.
        var orientation: EXIFOrientation

        /// The displayed size.
        var display: (width: Int, height: Int) {
            orientation.swapsDimensions ? (height, width) : (width, height)
        }
    }

    /// A decoded picture, 8-bit RGBA rows without padding.
    struct Picture: Sendable {
        var rgba: [UInt8]
        var width: Int
        var height: Int
    }

    /// `1.15.1`, for the encoder version that every output hash covers.
    static var version: String { String(cString: heif_get_version()) }

    private static let initialized: Bool = {
        _ = heif_init(nil)
        return true
    }()

    static func header(_ data: Data) throws(Failure) -> Header {
        try withPrimaryImage(data) { handle throws(Failure) in try header(handle, data: data) }
    }

    /// Decodes the primary image, refusing (from its header) one of more than `maxPixels`, and
    /// returns it oriented as displayed.
    static func decode(_ data: Data, maxPixels: Int) throws(Failure) -> Picture {
        try withPrimaryImage(data) { handle throws(Failure) in
            let header = try header(handle, data: data)
            let (pixels, overflow) = header.width.multipliedReportingOverflow(by: header.height)
            guard !overflow, pixels <= maxPixels else {
                throw Failure(message: "\(header.width)×\(header.height) is over the pixel cap (media.max_pixels)")
            }
            guard let options = heif_decoding_options_alloc() else { throw Failure(message: "out of memory") }
            defer { heif_decoding_options_free(options) }
            options.pointee.convert_hdr_to_8bit = 1
            options.pointee.strict_decoding = 1  // a damaged file is refused, not shown half grey
            var image: OpaquePointer?
            try check(heif_decode_image(handle, &image, heif_colorspace_RGB, heif_chroma_interleaved_RGBA, options))
            guard let image else { throw Failure(message: "libheif returned no image") }
            defer { heif_image_release(image) }
            let width = Int(heif_image_get_width(image, heif_channel_interleaved))
            let height = Int(heif_image_get_height(image, heif_channel_interleaved))
            var stride: Int32 = 0
            guard width == header.width, height == header.height,
                  let plane = heif_image_get_plane_readonly(image, heif_channel_interleaved, &stride),
                  Int(stride) >= width * 4
            else { throw Failure(message: "libheif decoded \(width)×\(height), expected \(header.width)×\(header.height)") }
            var rgba = [UInt8](repeating: 0, count: width * height * 4)
            rgba.withUnsafeMutableBytes { out in
                for row in 0..<height {
                    memcpy(out.baseAddress! + row * width * 4, plane + row * Int(stride), width * 4)
                }
            }
            let picture = Picture(rgba: rgba, width: width, height: height)
            return header.orientation == .normal ? picture : header.orientation.apply(to: picture)
        }
    }

    private static func withPrimaryImage<T>(_ data: Data, _ body: (OpaquePointer) throws(Failure) -> T) throws(Failure) -> T {
        _ = initialized
        guard let context = heif_context_alloc() else { throw Failure(message: "out of memory") }
        defer { heif_context_free(context) }
        // Both the file and our own cap bound the work; libheif's own limit is on a side.
        heif_context_set_max_decoding_threads(context, 1)  // one job per core already runs
        let read = data.withUnsafeBytes { raw in
            heif_context_read_from_memory(context, raw.baseAddress, raw.count, nil)
        }
        try check(read)
        var handle: OpaquePointer?
        try check(heif_context_get_primary_image_handle(context, &handle))
        guard let handle else { throw Failure(message: "no primary image") }
        defer { heif_image_handle_release(handle) }
        return try body(handle)
    }

    private static func header(_ handle: OpaquePointer, data: Data) throws(Failure) -> Header {
        let width = Int(heif_image_handle_get_width(handle)), height = Int(heif_image_handle_get_height(handle))
        guard width > 0, height > 0 else { throw Failure(message: "the image has no pixels") }
        let orientation = ItemProperties.hasTransform(data) ? .normal : exifOrientation(handle)
        return Header(width: width, height: height, orientation: orientation)
    }

    /// The Orientation of the image's EXIF block, whose first four bytes give the offset of its
    /// TIFF header.
    private static func exifOrientation(_ handle: OpaquePointer) -> EXIFOrientation {
        var id: heif_item_id = 0
        guard heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &id, 1) == 1 else { return .normal }
        let size = heif_image_handle_get_metadata_size(handle, id)
        guard size > 4, size < 1 << 20 else { return .normal }
        var bytes = [UInt8](repeating: 0, count: size)
        guard heif_image_handle_get_metadata(handle, id, &bytes).code == heif_error_Ok else { return .normal }
        let offset = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard offset < size - 4 else { return .normal }
        return EXIFOrientation.read(tiff: Array(bytes[(4 + offset)...])).map(EXIFOrientation.init(value:)) ?? .normal
    }

    private static func check(_ error: heif_error) throws(Failure) {
        guard error.code != heif_error_Ok else { return }
        // libheif's texts may end in a newline; a diagnostic is one line.
        let text = error.message.map { String(cString: $0) } ?? ""
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        throw Failure(message: line.isEmpty ? "libheif error \(error.code.rawValue)" : line)
    }
}

/// Whether a HEIF file's item properties (`meta` → `iprp` → `ipco`) hold a rotation (`irot`) or
/// a mirror (`imir`), read from the ISO BMFF boxes; libheif applies those itself.
enum ItemProperties {
    static func hasTransform(_ data: Data) -> Bool {
        let bytes = [UInt8](data.prefix(4 << 20))  // `meta` comes before the image data
        guard let meta = child("meta", in: bytes, 0..<bytes.count),
              meta.count > 4,
              let iprp = child("iprp", in: bytes, meta.lowerBound + 4..<meta.upperBound),  // a full box
              let ipco = child("ipco", in: bytes, iprp)
        else { return false }
        return child("irot", in: bytes, ipco) != nil || child("imir", in: bytes, ipco) != nil
    }

    /// The contents (after the header) of the first box of `type` directly inside `range`.
    private static func child(_ type: String, in bytes: [UInt8], _ range: Range<Int>) -> Range<Int>? {
        let wanted = Array(type.utf8)
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            var size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            var header = 8
            if size == 1 {
                guard offset + 16 <= range.upperBound else { return nil }
                size = bytes[offset + 8..<offset + 16].reduce(0) { $0 << 8 | Int($1) }
                header = 16
            } else if size == 0 {
                size = range.upperBound - offset
            }
            guard size >= header, offset + size <= range.upperBound else { return nil }
            if bytes[offset + 4..<offset + 8].elementsEqual(wanted) { return offset + header..<offset + size }
            offset += size
        }
        return nil
    }
}
