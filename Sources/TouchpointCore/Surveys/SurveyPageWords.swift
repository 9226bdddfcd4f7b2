import Foundation

/// The words of the page a survey link opens, in the customer's language.
public struct SurveyPageWords: Sendable, Equatable {
    public var question: String
    public var low: String
    public var high: String
    public var thanks: String
    public var commentLabel: String
    public var send: String
    public var commentThanks: String
    public var expired: String
    public var unknown: String
    public var title: String
}
