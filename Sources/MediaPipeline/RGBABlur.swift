/// A separable box blur over an RGBA buffer, for the tiny placeholder only (a few hundred pixels).
enum RGBABlur {
    static func boxBlur(_ pixels: [UInt8], width: Int, height: Int, radius: Int, passes: Int) -> [UInt8] {
        guard radius > 0, width > 0, height > 0 else { return pixels }
        var current = pixels
        for _ in 0..<passes {
            current = blur(current, width: width, height: height, radius: radius, horizontal: true)
            current = blur(current, width: width, height: height, radius: radius, horizontal: false)
        }
        return current
    }

    private static func blur(_ source: [UInt8], width: Int, height: Int, radius: Int, horizontal: Bool) -> [UInt8] {
        var output = source
        let (lines, length) = horizontal ? (height, width) : (width, height)
        for line in 0..<lines {
            for position in 0..<length {
                var sums = (0, 0, 0, 0)
                var count = 0
                // Edge pixels are repeated (clamped), so borders do not darken.
                for offset in -radius...radius {
                    let p = min(max(position + offset, 0), length - 1)
                    let index = (horizontal ? line * width + p : p * width + line) * 4
                    sums.0 += Int(source[index]); sums.1 += Int(source[index + 1])
                    sums.2 += Int(source[index + 2]); sums.3 += Int(source[index + 3])
                    count += 1
                }
                let index = (horizontal ? line * width + position : position * width + line) * 4
                output[index] = UInt8(sums.0 / count); output[index + 1] = UInt8(sums.1 / count)
                output[index + 2] = UInt8(sums.2 / count); output[index + 3] = UInt8(sums.3 / count)
            }
        }
        return output
    }
}
