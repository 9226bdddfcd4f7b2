import Foundation

/// A personal saved inbox view: a name and the query string of the inbox it reopens.
public struct SavedView: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var query: String

    public init(id: UUID, name: String, query: String) {
        self.id = id
        self.name = name
        self.query = query
    }
}
