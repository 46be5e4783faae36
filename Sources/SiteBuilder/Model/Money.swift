import Foundation

/// An amount in the site's currency, kept exactly in minor units (cents).
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let minorUnits: Int64

    public init(minorUnits: Int64) { self.minorUnits = minorUnits }

    public var amount: Decimal { Decimal(minorUnits) / 100 }

    /// `24.50`: the form schema.org, feeds and catalog.json use.
    public var description: String {
        let units = minorUnits / 100, cents = minorUnits % 100
        return "\(units)." + (cents < 10 ? "0\(cents)" : "\(cents)")
    }

    public static func < (a: Money, b: Money) -> Bool { a.minorUnits < b.minorUnits }

    struct Problem: Error { var message: String }

    /// Accepts `24`, `24.5`, `24.50`; refuses negatives, more than two decimals and anything else.
    static func parse(_ text: String) -> Result<Money, Problem> {
        let trimmed = text.trimmingWhitespace
        if trimmed.hasPrefix("-"), Double(trimmed) != nil {
            return .failure(Problem(message: "must not be negative, got \(trimmed)"))
        }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 12,
              whole.allSatisfy(\.isASCIIDigit),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit))
        else {
            return .failure(Problem(message: "expected an amount such as 24 or \"24.50\", got \"\(text)\""))
        }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        if fraction.count > 2 {
            return .failure(Problem(message: "has more than two decimal places: \(trimmed)"))
        }
        while fraction.count < 2 { fraction += "0" }
        return .success(Money(minorUnits: Int64(whole)! * 100 + Int64(fraction)!))
    }

    /// `€24.50`, `$24.50`, or `24.50 CHF` for currencies without a well-known symbol.
    private static let symbols = ["USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "NZD": "NZ$", "JPY": "¥", "INR": "₹"]

    public func formatted(currency: String) -> String {
        if let symbol = Self.symbols[currency] { return symbol + description }
        return "\(description) \(currency)"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
