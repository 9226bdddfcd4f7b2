import Foundation

/// What can carry a survey to one contact now.
public struct SurveyReach: Sendable, Equatable {
    /// An email address not opted out, and a mailbox to send from.
    public var email: Bool
    /// A phone number not opted out of SMS, and an SMS provider.
    public var sms: Bool
    /// A WhatsApp number not opted out, a WhatsApp provider, and the customer wrote within
    /// the 24 hours WhatsApp allows free messages in.
    public var whatsApp: Bool
    /// A customer number or phone the kiosk can identify the customer by.
    public var kiosk: Bool

    public init(email: Bool, sms: Bool, whatsApp: Bool, kiosk: Bool) {
        self.email = email
        self.sms = sms
        self.whatsApp = whatsApp
        self.kiosk = kiosk
    }
}

/// Where a survey is put to a customer: on the contact point they used for the request.
/// Email, SMS and WhatsApp send it; web chat, the portal and the kiosk show it to the
/// customer there (in the chat as it ends, on the request's page, on the kiosk's screen once
/// they identify) until it is answered or expires. Contact points a survey cannot travel on
/// — a phone call, a field visit, the billing desk — ask by SMS when they can, else by email.
public enum SurveyDelivery {
    /// The contact point that carries the survey, nil when nothing can reach the contact.
    public static func contactPoint(used: ContactPoint, reach: SurveyReach) -> ContactPoint? {
        let written: ContactPoint? = reach.email ? .email : nil
        switch used {
        case .email: return written
        case .sms, .phone, .fieldService, .billing: return reach.sms ? .sms : written
        case .whatsApp: return reach.whatsApp ? .whatsApp : reach.sms ? .sms : written
        case .webChat, .chatbot: return .webChat
        case .portal: return .portal
        case .kiosk, .inPerson: return reach.kiosk ? .kiosk : reach.sms ? .sms : written
        }
    }

    /// Whether the survey is sent (and so counts against the contact's frequency cap and
    /// respects opt-outs) rather than shown where the customer is.
    public static func isSent(on point: ContactPoint) -> Bool {
        [.email, .sms, .whatsApp].contains(point)
    }
}

/// A text message read as an answer to a survey: a number on the survey's scale first,
/// optionally followed by a comment ("4", "4/5", "9 — very quick", "5️⃣ thanks"). Anything
/// else is an ordinary message.
public enum SurveyReply {
    public static func parse(_ text: String, kind: SurveyKind) -> (score: Int, comment: String?)? {
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        var digits = ""
        while let first = rest.unicodeScalars.first, ("0"..."9").contains(first), digits.count < 3 {
            digits.unicodeScalars.append(first)
            rest = rest.dropFirst()
            // A keycap digit ("4️⃣") is the digit, a variation selector and the keycap mark.
            while let mark = rest.unicodeScalars.first, mark == "\u{FE0F}" || mark == "\u{20E3}" {
                rest = Substring(rest.unicodeScalars.dropFirst())
            }
        }
        // "🔟" is ten on a phone's emoji keyboard.
        if digits.isEmpty, rest.hasPrefix("🔟") {
            digits = "10"
            rest = rest.dropFirst()
        }
        guard let score = Int(digits), digits.count <= 2, kind.scores.contains(score) else { return nil }
        // "4/5" or "8 of 10" name the scale; a number glued to letters ("4th") is not an answer.
        if let next = rest.first, next.isLetter || next.isNumber { return nil }
        rest = rest.drop { $0.isWhitespace }
        for scale in ["/\(kind.scores.upperBound)", "of \(kind.scores.upperBound)", "na \(kind.scores.upperBound)", "z \(kind.scores.upperBound)"]
        where rest.lowercased().hasPrefix(scale) {
            let after = rest.dropFirst(scale.count)
            if after.first.map({ !$0.isLetter && !$0.isNumber }) ?? true { rest = after }
        }
        let comment = rest.drop { $0.isWhitespace || $0.isPunctuation || $0 == "-" || $0 == "—" || $0 == "–" }
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return (score, comment.isEmpty ? nil : comment)
    }
}

/// A survey shown where the customer is (web chat, portal, kiosk), waiting for an answer.
public struct SurveyPrompt: Sendable, Equatable {
    public var id: UUID
    /// Whom it asks: the one whose answer it takes.
    public var contactID: ContactID
    public var kind: SurveyKind
    public var caseReference: String?
    public var caseSubject: String?
    public var expiresAt: Date

    public init(id: UUID, contactID: ContactID, kind: SurveyKind, caseReference: String?, caseSubject: String?, expiresAt: Date) {
        self.id = id
        self.contactID = contactID
        self.kind = kind
        self.caseReference = caseReference
        self.caseSubject = caseSubject
        self.expiresAt = expiresAt
    }
}

/// Which survey an answer is for: the link's token, or a survey shown to a customer who is
/// known where they answer (signed in on the portal or kiosk, the visitor of a chat, the
/// sender of a text).
public enum SurveyKey: Sendable, Equatable {
    case token(String)
    case shown(id: UUID, contact: ContactID)
}
