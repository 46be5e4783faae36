import SiteManifest

/// The first control character (C0 but tab and line breaks, DEL, C1) of a value: YAML's
/// escapes (`"\e"`, `"\x9B"`) write them into text that the file itself holds as plain
/// characters. On bytes: every text value of every drop passes here.
public func firstControl(in text: String) -> Unicode.Scalar? {
    let bytes = text.utf8
    guard bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else { return nil }
    return text.unicodeScalars.first(where: LineSafe.isControl)
}

public func controlMessage(_ scalar: Unicode.Scalar) -> String {
    "holds the control character \(LineSafe.describe(scalar)); only tabs and line breaks may appear in text"
}
