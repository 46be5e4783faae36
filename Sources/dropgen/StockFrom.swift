import Foundation
import LiveStock
import Publisher
import SiteBuilder
import SiteSource
import StockLedger

/// `stock: { from: <target> }` in dropgen.yaml, or `--stock-from NAME`: the publish target whose
/// stock ledger a build applies, so a build from git never shows units that were sold since.
enum StockFrom {
    /// The ledger of the target `override` names, else `stock.from`'s; nil when neither names
    /// one. A target that is unknown or cannot be read is an error: a build must never fall back
    /// to the front matter's stock without saying so.
    static func ledger(siteRoot: URL, override: String?, build: URL) async throws -> StockLedger? {
        let name: String
        var at: Diagnostic?
        if let override {
            name = override
        } else {
            let config = try SiteConfig.load(root: siteRoot)
            guard let configured = config.stockFrom else { return nil }
            name = configured
            at = config.stockFromAt
        }
        let publish = try PublishConfig.load(siteRoot: siteRoot)
        guard let entry = publish.targets[name] else {
            let known = publish.targets.keys.sorted()
            let message = "no publish target named `\(name)`" + Suggestion.didYouMean(name, among: known)
                + " (publish.targets: \(known.joined(separator: ", ")))"
            if let at { throw Diagnostic(file: at.file, line: at.line, column: at.column, key: at.key, message: message) }
            throw Unreadable(description: "--stock-from \(name): \(message)")
        }
        do {
            let target = try entry.makeTarget(site: siteRoot, build: build)
            return try await LedgerStore(target: target).read()
        } catch {
            throw Unreadable(description: "cannot read the stock ledger (\(StockLedger.key)) at target `\(name)` (\(entry.url)): \(error); "
                             + "nothing was built, so no page shows stock the ledger may have changed")
        }
    }

    struct Unreadable: Error, UserError, CustomStringConvertible {
        var description: String
    }
}
