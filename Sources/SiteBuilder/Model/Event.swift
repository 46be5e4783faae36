import Foundation

/// A pop-up market or event, with the drops it features.
public struct Event: Sendable {
    public var id: String
    public var file: String
    public var title: String
    public var location: String
    public var address: String?
    public var starts: Date
    public var ends: Date
    /// Slugs of featured drops.
    public var drops: [String]
    public var bodyHTML: String
    public var summary: String

    public var path: String { "/events/\(id)/" }
}
