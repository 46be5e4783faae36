import Crypto
import Foundation
import SiteSource

extension Site {
    /// The holders of a drop's early-access badges, sorted: listed in a badge's `holders:` or
    /// computed from `data/`, and for a creator badge the makers who list it.
    func earlyAccessHolders(of drop: Drop) -> [String] {
        var holders: Set<String> = []
        for badge in (drop.earlyAccess?.badges ?? []).compactMap(badge) {
            holders.formUnion(badge.holders)
            if badge.audience == .creator { holders.formUnion(creators.filter { $0.badges.contains(badge.id) }.map(\.id)) }
        }
        return holders.sorted()
    }

    /// A holder's name for the organiser's list: a buyer's only when they chose to be named.
    func holderName(_ id: String, of drop: Drop) -> String? {
        let badges = (drop.earlyAccess?.badges ?? []).compactMap(badge)
        if badges.contains(where: { $0.audience == .buyer }), let buyer = buyers[id], buyer.isPublic { return buyer.displayName }
        if badges.contains(where: { $0.audience == .creator }), let creator = creator(id) { return creator.name }
        return nil
    }

    /// The personal early-access pages (`access`) of every drop with early access that is not a
    /// draft or archived: one per holder not revoked, open while the window is open or to come,
    /// a redirect to the public page afterwards. `secret` is `DROPGEN_ACCESS_SECRET`; without it
    /// (or with a short one) a drop that needs pages is an error naming the variable. The secret
    /// is used here and kept nowhere.
    mutating func planAccess(secret: String?) throws(BuildFailed) {
        var log = DiagnosticLog()
        var pages: [AccessPage] = []
        let key = secret.map { SymmetricKey(data: Data($0.utf8)) }
        for (index, drop) in drops.enumerated() {
            guard let access = drop.earlyAccess, drop.state != .draft, drop.state != .archived else { continue }
            let holders = earlyAccessHolders(of: drop)
            for id in access.revoke where !holders.contains(id) {
                let badges = access.badges.joined(separator: ", ")
                log.add(Diagnostic(file: drop.file, line: drop.lines[Drop.revokeLineKey] ?? drop.lines["early_access"],
                                   key: "early_access.revoke",
                                   message: "\"\(id)\" holds none of this drop's early-access badges (\(badges))"
                                       + Suggestion.didYouMean(id, among: holders)))
            }
            let granted = holders.filter { !access.revoke.contains($0) }
            guard !granted.isEmpty else { continue }
            guard let secret, let key, secret.utf8.count >= AccessToken.minimumSecretBytes else {
                let problem = secret == nil
                    ? "personal early-access links need a secret: set \(AccessToken.secretVariable) in the environment"
                    : "\(AccessToken.secretVariable) is \(secret!.utf8.count) bytes; personal early-access links need at least \(AccessToken.minimumSecretBytes)"
                log.add(Diagnostic(file: drop.file, line: drop.lines["early_access"], key: "early_access",
                                   message: problem + " (e.g. `openssl rand -base64 32`)"))
                continue
            }
            // Open until everyone may buy: a sale that sold out in early access still shows its page.
            let isOpen = drop.state == .scheduled || drop.state == .earlyAccess
                || drop.state == .soldOut && (drop.opens.map { now < $0 } ?? true)
            for holder in granted {
                let token = AccessToken.make(secret: key, site: config.baseURL, drop: drop.slug, holder: holder,
                                             opens: access.opens, ends: drop.opens)
                pages.append(AccessPage(drop: index, slug: drop.slug, holder: holder, holderName: holderName(holder, of: drop),
                                        token: token, isOpen: isOpen))
            }
        }
        try log.throwIfAny()
        self.access = pages
    }
}
