import Foundation

/// An http or https URL taken apart for a raw request: scheme, host, port, and the request target.
public struct ProbeURL: Sendable, Equatable, CustomStringConvertible {
    public var isHTTPS: Bool
    public var host: String
    public var port: Int
    /// The path and query, as sent in the request line (`/drops/mugs/`).
    public var target: String

    public init?(_ text: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return nil }
        isHTTPS = scheme == "https"
        self.host = host
        port = components.port ?? (isHTTPS ? 443 : 80)
        guard (1...65535).contains(port) else { return nil }
        var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let query = components.percentEncodedQuery { target += "?" + query }
        self.target = target
    }

    /// The path only, without the query: what the edge rules are decided from.
    public var path: String { String(target.prefix { $0 != "?" }) }

    var isIPLiteral: Bool { host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." } }

    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isHTTPS ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// The origin, `https://host[:port]`.
    public var origin: String { (isHTTPS ? "https://" : "http://") + hostHeader }

    public var description: String { origin + target }

    /// A reference on a page (`/x`, `x`, `//host/x`, `https://host/x`) resolved against this URL;
    /// nil when it leaves this origin or is not http(s).
    public func resolving(_ reference: String) -> ProbeURL? {
        guard let base = URL(string: description), let url = URL(string: reference, relativeTo: base)?.absoluteURL,
              let resolved = ProbeURL(url.absoluteString), resolved.origin == origin else { return nil }
        return resolved
    }
}
