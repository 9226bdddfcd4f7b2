import Foundation

/// The kind of outside system an integration connects.
public enum IntegrationKind: String, WireEnum {
    /// A phone system reporting calls (computer-telephony integration).
    case cti
    case sms
    case whatsApp

    /// The contact point its messages arrive on.
    public var contactPoint: ContactPoint {
        switch self {
        case .cti: .phone
        case .sms: .sms
        case .whatsApp: .whatsApp
        }
    }
}

/// What a customer's text message (SMS or WhatsApp) means besides its words.
public enum TextKeyword: Equatable, Sendable {
    /// The customer asks to get no more messages.
    case optOut(String)
    /// The customer takes an opt-out back.
    case optIn(String)

    /// The keywords carriers and WhatsApp customers use; matched on the whole message,
    /// ignoring case and surrounding spaces and punctuation.
    public static let optOutWords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "STOP ALL"]
    public static let optInWords: Set<String> = ["START", "UNSTOP"]

    /// The keyword a whole message is, if it is one; `extra` are a brand's own opt-out words.
    public static func of(_ text: String, extraOptOut: Set<String> = []) -> TextKeyword? {
        let word = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
        if optOutWords.contains(word) || extraOptOut.contains(word) { return .optOut(word) }
        if optInWords.contains(word) { return .optIn(word) }
        return nil
    }
}

/// Where an outbound text message stands at the provider.
public enum TextDeliveryStatus: String, WireEnum {
    case sent, delivered, read, failed
}
