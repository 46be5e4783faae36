import Foundation

/// schema.org JSON-LD: what search engines and link previews read about a drop.
extension Contexts {
    func productJSONLD(_ drop: Drop) -> JSONValue {
        let config = site.config
        var product: JSONValue = [
            "@context": "https://schema.org", "@type": "Product", "name": .string(drop.title), "sku": .string(drop.slug),
            "url": .string(config.absoluteURL(drop.path)),
        ]
        if !drop.summary.isEmpty { product["description"] = .string(drop.summary) }
        var images: [String] = []
        if let og = drop.hero?.ogImage { images.append(config.absoluteURL("/" + og.path)) }
        images += drop.images.compactMap { $0.variants.last }.map { config.absoluteURL("/" + $0.path) }
        if !images.isEmpty { product["image"] = .array(images.map(JSONValue.string)) }
        let creator = site.creator(drop.creatorID)
        if let creator { product["brand"] = ["@type": "Brand", "name": .string(creator.name)] }
        var offer: JSONValue = [
            "@type": "Offer", "url": .string(config.absoluteURL(drop.path)), "priceCurrency": .string(config.currency),
            "availability": .string(drop.state.availability(remaining: drop.remaining, edition: drop.edition)),
        ]
        if let price = drop.price { offer["price"] = .string(price.description) }
        if let creator {
            offer["seller"] = ["@type": "Person", "name": .string(creator.name), "url": .string(config.absoluteURL(creator.path))]
        }
        // When everyone may buy: early access is for badge holders only (the availability says PreSale meanwhile).
        if let opens = drop.opens ?? drop.earlyAccess?.opens { offer["availabilityStarts"] = .string(iso(opens)) }
        if let closes = drop.closes { offer["availabilityEnds"] = .string(iso(closes)) }
        if let until = drop.priceUntil ?? drop.closes { offer["priceValidUntil"] = .string(iso(until)) }
        if let limit = drop.perCustomerLimit {
            offer["eligibleQuantity"] = ["@type": "QuantitativeValue", "maxValue": .int(limit)]
        }
        if let remaining = drop.remaining {
            offer["inventoryLevel"] = ["@type": "QuantitativeValue", "value": .int(remaining)]
        }
        product["offers"] = offer
        return product
    }
}
