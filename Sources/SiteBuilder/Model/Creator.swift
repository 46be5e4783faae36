import Foundation

public struct Creator: Sendable {
    public var id: String
    public var file: String
    public var name: String
    public var location: String?
    public var links: [Link]
    public var badges: [String]
    public var avatar: StillMedia?
    public var bioHTML: String
    public var summary: String

    public var path: String { "/creators/\(id)/" }

    public struct Link: Sendable {
        public var label: String
        public var url: String
    }
}
