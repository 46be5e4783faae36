import Foundation
import SiteManifest
import Testing

@Suite struct HexTests {
    @Test(arguments: [
        ([UInt8](), ""),
        ([0x00, 0x0F, 0x10, 0xAB, 0xFF], "000f10abff"),
    ])
    func hexIsLowercaseTwoDigitsAByte(bytes: [UInt8], expected: String) {
        #expect(bytes.hex == expected)
        #expect(Data(bytes).hex == expected)
    }

    @Test(arguments: [(UInt8(0x00), "%00"), (0x09, "%09"), (0x2F, "%2F"), (0xC3, "%C3"), (0xFF, "%FF")])
    func percentEncodingIsUpperCase(byte: UInt8, expected: String) {
        #expect(byte.percentEncoded == expected)
    }
}
