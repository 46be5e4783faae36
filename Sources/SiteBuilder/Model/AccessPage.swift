import Crypto
import Foundation
import SiteManifest

/// One badge holder's personal page for one drop's early access: `/access/<token>/`, a
/// capability URL that only that holder is sent. While the window is open or still to come it is
/// the drop's page with the holders' checkout; once everyone may buy it redirects to the public
/// page. Never listed anywhere (sitemap, feeds, catalogs, `_redirects`, live files).
public struct AccessPage: Sendable, Equatable {
    /// Position of the drop in `Site.drops`.
    public var drop: Int
    public var slug: String
    /// A buyer id (buyer badges) or a creator id (creator badges).
    public var holder: String
    /// What the holder may be called in a list for the organiser: a buyer's display name only
    /// when they chose to be named, a maker's name; nil otherwise.
    public var holderName: String?
    public var token: String
    /// The early-access window is open or still to come: the page sells at early-access terms.
    /// False: it redirects to the public page.
    public var isOpen: Bool

    public var path: String { "/\(EdgeRules.privateFolder)\(token)/" }
    public var outputPath: String { "\(EdgeRules.privateFolder)\(token)/index.html" }
}

/// The tokens of the personal pages: HMAC-SHA256 under `DROPGEN_ACCESS_SECRET` over the site,
/// the drop, the holder and the window, so the same build gives the same links, a new window new
/// ones, and nobody without the secret can derive one.
public enum AccessToken {
    /// The environment variable that holds the secret; it is read by the build, never written.
    public static let secretVariable = "DROPGEN_ACCESS_SECRET"
    /// Bytes of the secret at least: a shorter one could be guessed from a single leaked link.
    public static let minimumSecretBytes = 16
    /// Bytes of the MAC kept: 144 bits, 24 base64url characters without padding.
    static let tokenBytes = 18

    /// `site`: the base URL; `opens`: the early-access opening; `ends`: the drop's opening (nil
    /// when it has none).
    public static func make(secret: SymmetricKey, site: String, drop: String, holder: String, opens: Date, ends: Date?) -> String {
        // Each field length-prefixed: no choice of ids makes two inputs read the same.
        let fields = ["dropgen-access-1", site, drop, holder, RFC3339.format(opens), ends.map(RFC3339.format) ?? ""]
        let message = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "\n")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: secret)
        return base64URL(Data(mac.prefix(tokenBytes)))
    }

    /// A digest that changes with the secret and says nothing of it, for the build's input
    /// stamps (a new secret rebuilds every personal page).
    public static func stamp(secret: SymmetricKey) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Data("dropgen-access-stamp".utf8), using: secret)).hex
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
