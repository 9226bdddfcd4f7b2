/// A place where the customer meets the company.
public enum ContactPoint: String, WireEnum {
    case email, phone, webChat, sms, whatsApp, portal, chatbot, kiosk, inPerson, fieldService, billing

    /// Whether the service on this contact point is delivered with the customer present
    /// (high-contact) or at arm's length (low-contact).
    public var nature: ContactNature {
        switch self {
        case .phone, .webChat, .inPerson, .fieldService, .billing: .high
        case .email, .sms, .whatsApp, .portal, .chatbot, .kiosk: .low
        }
    }

    /// The kind of identity a customer presents when writing in on this contact point.
    public var identityKind: IdentityKind {
        switch self {
        case .email, .portal: .email
        case .phone, .sms: .phone
        case .whatsApp: .whatsApp
        case .webChat, .chatbot: .chatVisitor
        case .kiosk, .inPerson, .fieldService, .billing: .customerNumber
        }
    }
}

/// High-contact: the customer is present (walk-in, visit, phone, live chat). Low-contact:
/// at arm's length (portal, email, automation).
public enum ContactNature: String, WireEnum {
    case high, low
}
