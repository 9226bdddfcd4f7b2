import Foundation

/// Which way an interaction went.
public enum Direction: String, WireEnum {
    /// From the customer.
    case inbound
    /// To the customer.
    case outbound
    /// Between staff only (a note); never shown to the customer.
    case `internal`
}

/// Who wrote or performed an interaction or caused an event.
public enum AuthorKind: String, WireEnum {
    case contact, staff, system
}

/// A reference to a stored attachment (content-addressed by its SHA-256).
public struct AttachmentRef: Codable, Equatable, Sendable {
    public var name: String
    public var contentType: String
    public var size: Int
    public var sha256: String

    public init(name: String, contentType: String, size: Int, sha256: String) {
        self.name = name
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }
}

/// One touch on one contact point: a message, a call, a chat, a visit, a kiosk session.
public struct Interaction: Codable, Equatable, Sendable {
    public var id: InteractionID
    public var brandID: BrandID
    public var contactID: ContactID
    public var caseID: CaseID?
    public var contactPoint: ContactPoint
    public var direction: Direction
    public var authorKind: AuthorKind
    /// The staff user or contact who wrote it; nil for the system.
    public var authorID: UUID?
    public var text: String
    /// Sanitized HTML for display, when the message had HTML.
    public var html: String?
    public var attachments: [AttachmentRef]
    /// The provider's message id (Message-ID, SMS id), used to drop duplicates.
    public var providerMessageID: String?
    public var metadata: [String: String]
    public var occurredAt: Date

    public init(id: InteractionID, brandID: BrandID, contactID: ContactID, caseID: CaseID?, contactPoint: ContactPoint,
                direction: Direction, authorKind: AuthorKind, authorID: UUID?, text: String, html: String? = nil,
                attachments: [AttachmentRef] = [], providerMessageID: String? = nil, metadata: [String: String] = [:],
                occurredAt: Date) {
        self.id = id
        self.brandID = brandID
        self.contactID = contactID
        self.caseID = caseID
        self.contactPoint = contactPoint
        self.direction = direction
        self.authorKind = authorKind
        self.authorID = authorID
        self.text = text
        self.html = html
        self.attachments = attachments
        self.providerMessageID = providerMessageID
        self.metadata = metadata
        self.occurredAt = occurredAt
    }

    /// Whether this touch was delivered with the customer present.
    public var nature: ContactNature { contactPoint.nature }

    /// Message bodies are kept whole up to 1 MiB of text (the API's body limit caps them first).
    public static func validBody(_ raw: String, field: String = "body") throws(ValidationError) -> String {
        if raw.isBlank {
            throw ValidationError(field: field, reason: "must not be empty")
        }
        if raw.utf8.count > 1_048_576 { throw ValidationError(field: field, reason: "must be at most 1 MiB") }
        return raw
    }

    /// Metadata is a flat string map with at most 50 entries of short keys.
    public static func validMetadata(_ raw: [String: String], field: String = "metadata") throws(ValidationError) -> [String: String] {
        guard raw.count <= 50 else { throw ValidationError(field: field, reason: "at most 50 entries") }
        for (key, value) in raw {
            if key.isEmpty || key.count > 64 { throw ValidationError(field: "\(field).\(key)", reason: "keys must be 1 to 64 characters") }
            if value.utf8.count > 4096 { throw ValidationError(field: "\(field).\(key)", reason: "values must be at most 4 KiB") }
        }
        return raw
    }
}
