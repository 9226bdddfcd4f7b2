import Foundation

/// Errors from the store, mapped once at each edge (HTTP status, CLI exit code).
public enum StoreError: Error, Equatable, Sendable {
    /// The object does not exist, or the caller's brand may not see it.
    case notFound(String)
    /// The request is well-formed but clashes with the current state.
    case conflict(String)
    /// A field is wrong.
    case invalid(field: String, reason: String)
    /// The caller lacks the permission.
    case forbidden(String)
    /// The database could not be reached or could not commit; try again later.
    case unavailable(String)
}
