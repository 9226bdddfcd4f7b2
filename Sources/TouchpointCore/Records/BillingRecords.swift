import Foundation

/// What an import did.
public struct InvoiceImportReport: Sendable, Equatable {
    public var created = 0
    public var updated = 0
    /// Refused drafts: their index in the input and why.
    public var rejected: [(index: Int, field: String, reason: String)] = []

    public init() {}

    public static func == (lhs: InvoiceImportReport, rhs: InvoiceImportReport) -> Bool {
        lhs.created == rhs.created && lhs.updated == rhs.updated && lhs.rejected.map(\.index) == rhs.rejected.map(\.index)
    }
}
