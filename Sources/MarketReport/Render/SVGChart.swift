import Foundation

/// Charts as inline SVG, drawn here: no script, no web font (the system's sans-serif), a title,
/// labelled axes with units, and a viewBox so they scale to a phone's width and print sharp.
enum SVGChart {
    struct Series {
        var name: String
        var values: [Double?]
    }

    struct Bar {
        var label: String
        var value: Double
        var low: Double?
        var high: Double?
    }

    /// Okabe–Ito: told apart with colour blindness too; each series also has its own marker.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    static let width = 640.0

    /// Points joined by lines over categorical x labels (months, weeks, probe runs).
    static func line(id: String, title: String, xLabel: String, yLabel: String, xLabels: [String], series: [Series],
                     yMax fixedMax: Double? = nil, format: (Double) -> String) -> String {
        let height = 320.0, left = 72.0, right = 40.0, top = 40.0, bottom = 64.0 + Double((series.count + 2) / 3) * 18
        let plotW = width - left - right, plotH = height - top - 64
        let top2 = fixedMax ?? niceMax(series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0)
        var svg = open(id: id, title: title, height: height + bottom - 64)
        svg += axes(left: left, top: top, plotW: plotW, plotH: plotH, yMax: top2, yLabel: yLabel, format: format)
        let step = xLabels.count > 1 ? plotW / Double(xLabels.count - 1) : 0
        func x(_ index: Int) -> Double { xLabels.count > 1 ? left + Double(index) * step : left + plotW / 2 }
        func y(_ value: Double) -> Double { top + plotH - (top2 > 0 ? value / top2 : 0) * plotH }
        let every = max(1, Int((Double(xLabels.count) / 8).rounded(.up)))
        for (index, label) in xLabels.enumerated() where index % every == 0 || index == xLabels.count - 1 {
            svg += "<text x=\"\(n(x(index)))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"middle\">\(escape(label))</text>"
        }
        svg += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(top + plotH + 36))\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(xLabel))</text>"
        for (number, line) in series.enumerated() {
            let colour = palette[number % palette.count]
            var path = "", pen = false
            for (index, value) in line.values.enumerated() {
                guard let value else { pen = false; continue }
                path += "\(pen ? "L" : "M")\(n(x(index))) \(n(y(value))) "
                pen = true
            }
            if !path.isEmpty {
                svg += "<path d=\"\(path.trimmingCharacters(in: .whitespaces))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            }
            for (index, value) in line.values.enumerated() {
                guard let value else { continue }
                svg += marker(number, x: x(index), y: y(value), colour: colour)
            }
            let legendX = left + Double(number % 3) * 190, legendY = top + plotH + 56 + Double(number / 3) * 18
            svg += marker(number, x: legendX + 5, y: legendY - 4, colour: colour)
            svg += "<text x=\"\(n(legendX + 14))\" y=\"\(n(legendY))\">\(escape(line.name))</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars from 0, with an interval drawn as a whisker when given.
    static func bars(id: String, title: String, xLabel: String, bars: [Bar], xMax fixedMax: Double? = nil,
                     format: (Double) -> String) -> String {
        let left = 190.0, right = 56.0, top = 40.0, rowH = 22.0
        let plotW = width - left - right, plotH = max(rowH, Double(bars.count) * rowH)
        let top2 = fixedMax ?? niceMax(bars.map { max($0.value, $0.high ?? 0) }.max() ?? 0)
        var svg = open(id: id, title: title, height: top + plotH + 56)
        func x(_ value: Double) -> Double { left + (top2 > 0 ? min(value, top2) / top2 : 0) * plotW }
        for tick in 0...4 {
            let value = top2 * Double(tick) / 4
            svg += "<line x1=\"\(n(x(value)))\" y1=\"\(n(top))\" x2=\"\(n(x(value)))\" y2=\"\(n(top + plotH))\" stroke=\"#dddddd\"/>"
            svg += "<text x=\"\(n(x(value)))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"middle\">\(escape(format(value)))</text>"
        }
        svg += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(top + plotH + 36))\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(xLabel))</text>"
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowH
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 15))\" text-anchor=\"end\">\(escape(clip(bar.label)))</text>"
            svg += "<rect x=\"\(n(left))\" y=\"\(n(y + 4))\" width=\"\(n(x(bar.value) - left))\" height=\"\(n(rowH - 8))\" fill=\"\(palette[0])\"/>"
            let end = max(x(bar.value), bar.high.map(x) ?? 0)
            svg += "<text x=\"\(n(end + 4))\" y=\"\(n(y + 15))\">\(escape(format(bar.value)))</text>"
            if let low = bar.low, let high = bar.high {
                let mid = y + rowH / 2
                svg += "<path d=\"M\(n(x(low))) \(n(mid)) H\(n(x(high))) M\(n(x(low))) \(n(mid - 5)) V\(n(mid + 5)) M\(n(x(high))) \(n(mid - 5)) V\(n(mid + 5))\" stroke=\"#000000\" stroke-width=\"1.5\" fill=\"none\"/>"
            }
        }
        return svg + "</svg>"
    }

    private static func open(id: String, title: String, height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-labelledby=\"\(id)-title\" "
            + "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" font-size=\"12\">"
            + "<title id=\"\(id)-title\">\(escape(title))</title>"
            + "<text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>"
    }

    private static func axes(left: Double, top: Double, plotW: Double, plotH: Double, yMax: Double, yLabel: String,
                             format: (Double) -> String) -> String {
        var svg = ""
        for tick in 0...4 {
            let value = yMax * Double(tick) / 4, y = top + plotH - Double(tick) / 4 * plotH
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y))\" stroke=\"#dddddd\"/>"
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(escape(format(value)))</text>"
        }
        svg += "<text transform=\"translate(12 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(yLabel))</text>"
        return svg
    }

    /// Circle, square, triangle, diamond…: a series is told apart without its colour (print, grey scale).
    private static func marker(_ number: Int, x: Double, y: Double, colour: String) -> String {
        switch number % 4 {
        case 0: "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\" fill=\"\(colour)\"/>"
        case 1: "<rect x=\"\(n(x - 3.5))\" y=\"\(n(y - 3.5))\" width=\"7\" height=\"7\" fill=\"\(colour)\"/>"
        case 2: "<path d=\"M\(n(x)) \(n(y - 4.5)) L\(n(x + 4.5)) \(n(y + 3.5)) L\(n(x - 4.5)) \(n(y + 3.5)) Z\" fill=\"\(colour)\"/>"
        default: "<path d=\"M\(n(x)) \(n(y - 5)) L\(n(x + 5)) \(n(y)) L\(n(x)) \(n(y + 5)) L\(n(x - 5)) \(n(y)) Z\" fill=\"\(colour)\"/>"
        }
    }

    /// The smallest of 1, 2, 2.5, 5 × 10^k at or above `value` (1 for nothing).
    static func niceMax(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, (log10(value)).rounded(.down))
        for step in [1.0, 2, 2.5, 5, 10] where step * magnitude >= value { return step * magnitude }
        return 10 * magnitude
    }

    private static func clip(_ label: String) -> String { label.count > 28 ? String(label.prefix(27)) + "…" : label }

    /// Coordinates to one decimal, so the bytes do not depend on floating-point noise.
    static func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    static func escape(_ text: String) -> String { HTMLText.escape(text) }
}

enum HTMLText {
    /// For text and attribute values alike; control characters (never valid in XML) dropped.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
