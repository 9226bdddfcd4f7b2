import Foundation
import TouchpointCore
import TouchpointStore

/// Who looks at a case: collision indicators (who else has it open, who is writing on it)
/// and unread markers (cases the customer wrote on since a person last opened them).
public struct CaseViewers: Sendable {
    let store: Store

    /// `user` has the case open; with `typing` true they are writing a reply or note, false
    /// they stopped (sent it, or emptied the box), nil as before. Returns the others there now.
    public func mark(caseID: CaseID, user: StaffUser, typing: Bool?) async throws -> [CasePresence.Viewer] {
        try await store.markPresence(caseID: caseID, brand: user.brandID, user: user.id, typing: typing)
        return try await viewers(caseID: caseID, reader: user)
    }

    /// The colleagues other than `reader` who have the case open now.
    public func viewers(caseID: CaseID, reader: StaffUser) async throws -> [CasePresence.Viewer] {
        CasePresence.viewers(try await store.presence(caseID: caseID, brand: reader.brandID), reader: reader.id, now: store.environment.now())
    }

    /// `user` closed the case's page.
    public func leave(caseID: CaseID, user: StaffUser) async throws {
        try await store.leavePresence(caseID: caseID, user: user.id)
    }

    /// `user` opened the case's page: what the customer wrote so far is read.
    public func opened(caseID: CaseID, user: StaffUser) async throws {
        try await store.markRead(caseID: caseID, user: user.id)
    }

    /// Of `ids`, the cases the customer wrote on since `reader` last opened them.
    public func unread(_ ids: [CaseID], reader: StaffUser) async throws -> Set<CaseID> {
        try await store.unreadCases(ids, user: reader.id, brand: reader.brandID)
    }
}
