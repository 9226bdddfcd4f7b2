import Foundation

/// What a survey asks.
public enum SurveyKind: String, WireEnum {
    /// "How satisfied are you with how we handled your request?" 1–5, after a resolved case.
    case csat
    /// "How likely are you to recommend us?" 0–10.
    case nps

    public var scores: ClosedRange<Int> { self == .csat ? 1...5 : 0...10 }
}

/// When a brand asks and how often at most. Stored per brand; the defaults until set.
public struct SurveySettings: Codable, Equatable, Sendable {
    /// Ask for satisfaction when a case of these models is resolved (empty: never).
    public var csatModels: [ServiceModel]
    /// At most one satisfaction survey per contact in this many days.
    public var csatEveryDays: Int
    /// At most one recommendation survey per contact in this many days.
    public var npsEveryDays: Int
    /// A link works until it is answered or this many days have passed.
    public var expiresAfterDays: Int
    /// A satisfaction answer at or below this opens a follow-up.
    public var lowCSAT: Int

    public init(
        csatModels: [ServiceModel] = ServiceModel.allCases, csatEveryDays: Int = 7, npsEveryDays: Int = 90, expiresAfterDays: Int = 14,
        lowCSAT: Int = 2
    ) {
        self.csatModels = csatModels
        self.csatEveryDays = csatEveryDays
        self.npsEveryDays = npsEveryDays
        self.expiresAfterDays = expiresAfterDays
        self.lowCSAT = lowCSAT
    }

    public static let defaults = SurveySettings()

    /// Whether an answer opens a follow-up: a dissatisfied one, or a detractor (0–6) on the
    /// recommendation scale.
    public func isLow(_ score: Int, kind: SurveyKind) -> Bool {
        kind == .csat ? score <= lowCSAT : score <= 6
    }

    public func validated() throws(ValidationError) -> SurveySettings {
        for (field, days) in [("csatEveryDays", csatEveryDays), ("npsEveryDays", npsEveryDays)] where !(0...730).contains(days) {
            throw ValidationError(field: field, reason: "must be between 0 and 730 days, got \(days)")
        }
        guard (1...90).contains(expiresAfterDays) else {
            throw ValidationError(field: "expiresAfterDays", reason: "must be between 1 and 90 days, got \(expiresAfterDays)")
        }
        guard (1...4).contains(lowCSAT) else { throw ValidationError(field: "lowCSAT", reason: "must be between 1 and 4, got \(lowCSAT)") }
        return self
    }

    enum CodingKeys: String, CodingKey { case csatModels, csatEveryDays, npsEveryDays, expiresAfterDays, lowCSAT }

    // Absent fields keep their defaults, so an admin may send only what changes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SurveySettings.defaults
        self.init(
            csatModels: try c.decodeIfPresent([ServiceModel].self, forKey: .csatModels) ?? d.csatModels,
            csatEveryDays: try c.decodeIfPresent(Int.self, forKey: .csatEveryDays) ?? d.csatEveryDays,
            npsEveryDays: try c.decodeIfPresent(Int.self, forKey: .npsEveryDays) ?? d.npsEveryDays,
            expiresAfterDays: try c.decodeIfPresent(Int.self, forKey: .expiresAfterDays) ?? d.expiresAfterDays,
            lowCSAT: try c.decodeIfPresent(Int.self, forKey: .lowCSAT) ?? d.lowCSAT)
    }
}

/// A survey a customer opened by its link.
public struct SurveyView: Sendable, Equatable {
    public var kind: SurveyKind
    public var brandName: String
    public var language: Language
    public var caseReference: String?
    public var caseSubject: String?
    public var score: Int?
    public var comment: String?
    public var expired: Bool

    public init(
        kind: SurveyKind, brandName: String, language: Language, caseReference: String?, caseSubject: String?, score: Int?,
        comment: String?, expired: Bool
    ) {
        self.kind = kind
        self.brandName = brandName
        self.language = language
        self.caseReference = caseReference
        self.caseSubject = caseSubject
        self.score = score
        self.comment = comment
        self.expired = expired
    }
}

/// Why a survey was not sent (the listener logs nothing for these; they are the rules working).
public enum SurveySkip: String, Error, Sendable, Equatable {
    case notResolved, modelNotAsked, alreadyAsked, askedRecently
    /// Nothing can carry the survey: no address the contact point allows, or no mailbox or
    /// provider to send from.
    case unreachable
    /// The contact opted out of automated email.
    case optedOut
    /// The contact had as many automated messages lately as the brand allows.
    case frequencyCap
}

/// What answering did.
public enum SurveyAnswerOutcome: Sendable, Equatable {
    case recorded(lowScore: Bool)
    /// The score was given before; a comment may still be added once.
    case alreadyAnswered
    case expired
    case unknown
}
