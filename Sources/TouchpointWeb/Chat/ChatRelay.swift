import Foundation
import TouchpointCore

/// Passes the moment-to-moment signals of a web chat between the sockets open on one case:
/// who is typing, how far a side has read, whether the visitor is connected. These are not
/// history, so they are not events: they travel within this process (read marks are also
/// kept in `chat_sessions`, so a reconnecting side gets them from the database). With
/// several nodes, typing and presence reach the sockets on the same node only.
final class ChatRelay: @unchecked Sendable {
    enum Signal: Sendable, Equatable {
        case typing(ChatSide, name: String?, active: Bool)
        case read(ChatSide, seq: Int)
        case presence(visitorOnline: Bool)
    }

    private struct Member {
        var side: ChatSide
        var deliver: @Sendable (Signal) -> Void
    }

    private let lock = NSLock()
    private var members: [CaseID: [UUID: Member]] = [:]

    /// Adds a socket to a case's conversation; a visitor arriving tells the agents.
    func join(_ caseID: CaseID, side: ChatSide, id: UUID, deliver: @escaping @Sendable (Signal) -> Void) {
        let others = update { members in
            members[caseID, default: [:]][id] = Member(side: side, deliver: deliver)
            return members[caseID]!.filter { $0.key != id }.map(\.value)
        }
        if side == .visitor { others.forEach { $0.deliver(.presence(visitorOnline: true)) } }
    }

    /// Removes a socket; the last visitor socket leaving tells the agents.
    func leave(_ caseID: CaseID, id: UUID) {
        let (left, others) = update { members -> (Member?, [Member]) in
            let left = members[caseID]?.removeValue(forKey: id)
            if members[caseID]?.isEmpty == true { members[caseID] = nil }
            return (left, Array((members[caseID] ?? [:]).values))
        }
        guard left?.side == .visitor, !others.contains(where: { $0.side == .visitor }) else { return }
        others.forEach { $0.deliver(.presence(visitorOnline: false)) }
    }

    /// Sends a signal to every other socket on the case.
    func send(_ signal: Signal, on caseID: CaseID, from id: UUID) {
        let others = update { members in (members[caseID] ?? [:]).filter { $0.key != id }.map(\.value) }
        others.forEach { $0.deliver(signal) }
    }

    func visitorOnline(_ caseID: CaseID) -> Bool {
        update { members in (members[caseID] ?? [:]).values.contains { $0.side == .visitor } }
    }

    private func update<T>(_ body: (inout [CaseID: [UUID: Member]]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&members)
    }
}
