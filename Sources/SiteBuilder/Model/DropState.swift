import Foundation

public enum DropState: String, Sendable, CaseIterable, Codable {
    case draft, scheduled
    case earlyAccess = "early_access"
    case live
    case soldOut = "sold_out"
    case closed, archived

    public var label: String {
        switch self {
        case .draft: return "Draft"
        case .scheduled: return "Opening soon"
        case .earlyAccess: return "Early access"
        case .live: return "Live now"
        case .soldOut: return "Sold out"
        case .closed: return "Closed"
        case .archived: return "Archived"
        }
    }

    /// Values creators may write in `status:`.
    static let overrides: [String: DropState] = [
        "draft": .draft, "scheduled": .scheduled, "live": .live, "sold_out": .soldOut, "archived": .archived,
    ]
}
