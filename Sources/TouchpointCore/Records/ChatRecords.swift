import Foundation

/// One message of a web chat as the widget sees it, numbered within the conversation.
public struct ChatMessage: Sendable, Equatable {
    /// 1, 2, 3… in the order the conversation's messages were recorded; stable across
    /// reconnects, so a widget asks for what came after the last one it saw.
    public var seq: Int
    /// `visitor`, `agent` or `bot` (the assistant).
    public var from: String
    public var text: String
    /// The sender's own id of the message (to match its acknowledgement).
    public var clientID: String?
    /// The staff member who wrote an agent message.
    public var authorID: UUID?
    /// The assistant's suggested answers, sent back as the visitor's message when tapped.
    public var replies: [String]
    public var at: Date

    public init(seq: Int, from: String, text: String, clientID: String? = nil, authorID: UUID? = nil, replies: [String] = [], at: Date) {
        self.replies = replies
        self.seq = seq
        self.from = from
        self.text = text
        self.clientID = clientID
        self.authorID = authorID
        self.at = at
    }
}

/// The two sides of a web chat.
public enum ChatSide: String, Sendable, Equatable {
    case visitor, agent
}

/// A conversation as the agents' side sees it.
public struct ChatSession: Sendable, Equatable {
    public var visitor: String
    public var caseID: CaseID
    public var contactID: ContactID
    /// The last message each side has seen (read receipts).
    public var visitorRead: Int
    public var agentRead: Int

    public init(visitor: String, caseID: CaseID, contactID: ContactID, visitorRead: Int, agentRead: Int) {
        self.visitor = visitor
        self.caseID = caseID
        self.contactID = contactID
        self.visitorRead = visitorRead
        self.agentRead = agentRead
    }
}
