import Foundation

/// schema.org JSON-LD: what search engines and link previews read about a drop.
extension Contexts {
    func productJSONLD(_ drop: Drop) -> [String: Any] {
        let config = site.config
        var product: [String: Any] = [
            "@context": "https://schema.org", "@type": "Product", "name": drop.title, "sku": drop.slug,
            "url": config.absoluteURL(drop.path),
        ]
        if !drop.summary.isEmpty { product["description"] = drop.summary }
        var images: [String] = []
        if let og = drop.hero?.ogImage { images.append(config.absoluteURL("/" + og.path)) }
        images += drop.images.compactMap { $0.variants.last }.map { config.absoluteURL("/" + $0.path) }
        if !images.isEmpty { product["image"] = images }
        if let creator = site.creator(drop.creatorID) {
            product["brand"] = ["@type": "Brand", "name": creator.name]
        }
        var offer: [String: Any] = [
            "@type": "Offer", "url": config.absoluteURL(drop.path), "priceCurrency": config.currency,
            "availability": drop.state.availability(remaining: drop.remaining, edition: drop.edition),
        ]
        if let price = drop.price { offer["price"] = price.description }
        if let creator = site.creator(drop.creatorID) {
            offer["seller"] = ["@type": "Person", "name": creator.name, "url": config.absoluteURL(creator.path)]
        }
        if let opens = drop.earlyAccess?.opens ?? drop.opens { offer["availabilityStarts"] = clock.iso(opens) }
        if let closes = drop.closes { offer["availabilityEnds"] = clock.iso(closes) }
        if let until = drop.priceUntil ?? drop.closes { offer["priceValidUntil"] = clock.iso(until) }
        if let limit = drop.perCustomerLimit {
            offer["eligibleQuantity"] = ["@type": "QuantitativeValue", "maxValue": limit]
        }
        if let remaining = drop.remaining {
            offer["inventoryLevel"] = ["@type": "QuantitativeValue", "value": remaining]
        }
        product["offers"] = offer
        return product
    }
}
