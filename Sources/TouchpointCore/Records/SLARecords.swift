import Foundation

/// What one scheduler pass did.
public struct SLAPass: Sendable, Equatable {
    public var cases = 0
    public var warnings = 0
    public var breaches = 0
    public var escalations = 0

    public init() {}
}
