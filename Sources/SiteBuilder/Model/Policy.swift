import Foundation

public struct Policy: Sendable {
    public var id: String
    public var file: String
    public var title: String
    public var summary: String?
    public var refundDays: Int?
    public var disputeResponseHours: Int
    public var bodyHTML: String

    public var path: String { "/policies/\(id)/" }

    /// "Refunds within 14 days · disputes answered within 24 h"
    public var promise: String {
        let disputes = "answered within \(disputeResponseHours) h"
        guard let refundDays else { return "Disputes " + disputes }
        return (refundDays == 0 ? "No refunds" : "Refunds within \(refundDays) day\(refundDays == 1 ? "" : "s")") + " · disputes " + disputes
    }
}
