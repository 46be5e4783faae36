import Foundation

/// An HDR video stream (HLG or PQ, as current phones record by default) and the filters that
/// tone-map it to SDR BT.709, the one colour space every browser shows without guessing. Its
/// colour description comes from ffprobe and is set on the frames explicitly, so a filter before
/// it (the scaler, autorotate) cannot lose it.
struct HDRInput: Sendable, Hashable {
    /// ffprobe's (and zscale's) names of the HDR transfer functions.
    static let transfers: Set<String> = ["arib-std-b67", "smpte2084"]
    /// Values we pass on to zscale; anything else falls back to what HDR phone video uses.
    private static let primaries: Set<String> = ["bt2020", "bt709", "smpte432", "smpte431"]
    private static let matrices: Set<String> = ["bt2020nc", "bt2020c", "bt709"]

    var transfer: String
    var primaries: String
    var matrix: String
    /// `tv` (limited) or `pc` (full).
    var range: String

    /// Nil for SDR input, which is left as it is.
    init?(_ probe: MediaProbe) {
        guard let transfer = probe.colorTransfer, Self.transfers.contains(transfer) else { return nil }
        self.transfer = transfer
        primaries = probe.colorPrimaries.flatMap { Self.primaries.contains($0) ? $0 : nil } ?? "bt2020"
        matrix = probe.colorSpace.flatMap { Self.matrices.contains($0) ? $0 : nil } ?? "bt2020nc"
        range = probe.colorRange == "pc" ? "pc" : "tv"
    }

    /// The source's description set on the frames (zscale takes its output defaults from them),
    /// to linear light with SDR white at 100 nits, BT.709 primaries, Möbius' curve (linear up to
    /// the highlights, so skin and mid-tones keep their SDR look, where Hable's darkens them by a
    /// third), then BT.709 transfer and matrix, limited range, 8-bit 4:2:0.
    var filters: [String] {
        [
            "setparams=color_primaries=\(primaries):color_trc=\(transfer):colorspace=\(matrix):range=\(range)",
            "zscale=t=linear:npl=100", "format=gbrpf32le", "zscale=p=bt709", "tonemap=tonemap=mobius:desat=0",
            "zscale=t=bt709:m=bt709:r=tv", "format=yuv420p",
        ]
    }

    /// For the content hash: a different source description is a different output.
    var parameter: String { "hdr=\(transfer)/\(primaries)/\(matrix)/\(range)" }
}

/// What every clip says about its colours, so browsers do not guess: BT.709, limited range.
enum OutputColor {
    static let arguments = ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
                            "-color_range", "tv"]

    /// SDR input in a BT.601 matrix (SD phone modes, some screen recorders) is converted to the
    /// BT.709 matrix the tags claim; BT.709 and untagged input keep their pixels.
    static func scaleMatrix(for probe: MediaProbe) -> String {
        ["smpte170m", "bt470bg"].contains(probe.colorSpace ?? "") ? ":in_color_matrix=bt601:out_color_matrix=bt709" : ""
    }
}
