/// The journal could not be opened, read or written: the folder and what went wrong.
public struct JournalError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "stock journal \(path): \(message)" }
}
