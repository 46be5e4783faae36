import Foundation

public struct Badge: Sendable {
    public enum Audience: String, Sendable { case creator, buyer }

    public var id: String
    public var file: String
    public var name: String
    public var audience: Audience
    public var icon: String?
    public var criteria: String
    /// Creator ids (for creator badges) or buyer ids (for buyer badges), sorted: listed in
    /// `holders:` or computed from `rule:`.
    public var holders: [String]
    public var rule: BadgeRule?
    /// The figures behind a computed badge, per holder.
    public var figures: [String: BadgeRule.Figure] = [:]
    public var bodyHTML: String
    var lines: [String: Int] = [:]

    public var path: String { "/badges/\(id)/" }
}
