import Foundation

/// The brand's rules for every automated message (playbooks and surveys alike): no messages
/// at night in the customer's time zone, and at most so many per contact in a period.
public struct AutomationSettings: Codable, Equatable, Sendable {
    /// `["21:00", "08:00"]`: no automated message from 21:00 to 08:00 local time; a message
    /// due then waits for the morning. Equal times switch quiet hours off.
    public var quietHours: [String]
    /// The time zone of customers whose account names none.
    public var timeZone: String
    /// At most this many automated messages per contact …
    public var maxMessages: Int
    /// … in this period (default one a day).
    public var per: ISODuration

    public init(
        quietHours: [String] = ["21:00", "08:00"], timeZone: String = "Europe/Warsaw", maxMessages: Int = 1,
        per: ISODuration = ISODuration(seconds: 86_400)
    ) {
        self.quietHours = quietHours
        self.timeZone = timeZone
        self.maxMessages = maxMessages
        self.per = per
    }

    public static let defaults = AutomationSettings()

    enum CodingKeys: String, CodingKey { case quietHours, timeZone, maxMessages, per }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AutomationSettings.defaults
        self.init(
            quietHours: try c.decodeIfPresent([String].self, forKey: .quietHours) ?? d.quietHours,
            timeZone: try c.decodeIfPresent(String.self, forKey: .timeZone) ?? d.timeZone,
            maxMessages: try c.decodeIfPresent(Int.self, forKey: .maxMessages) ?? d.maxMessages,
            per: try c.decodeIfPresent(ISODuration.self, forKey: .per) ?? d.per)
    }

    public func validated() throws(ValidationError) -> AutomationSettings {
        guard quietHours.count == 2 else { throw ValidationError(field: "quietHours", reason: "must be a pair [\"HH:MM\", \"HH:MM\"]") }
        _ = try OpeningHours.minute(quietHours[0], field: "quietHours[0]")
        _ = try OpeningHours.minute(quietHours[1], field: "quietHours[1]")
        try Check.timeZone(timeZone)
        guard (1...100).contains(maxMessages) else {
            throw ValidationError(field: "maxMessages", reason: "must be between 1 and 100, got \(maxMessages)")
        }
        guard (3600...90 * 86_400).contains(per.seconds) else { throw ValidationError(field: "per", reason: "must be between PT1H and P90D") }
        return self
    }

    var quietMinutes: (start: Int, end: Int) {
        ((try? OpeningHours.minute(quietHours[0], field: "")) ?? 0, (try? OpeningHours.minute(quietHours[1], field: "")) ?? 0)
    }

    /// When a message due at `instant` may go out in `zone`: the instant itself outside quiet
    /// hours, otherwise the moment they end.
    public func afterQuietHours(_ instant: Date, zone: TimeZone) -> Date {
        let (start, end) = quietMinutes
        guard start != end else { return instant }
        let offset = zone.secondsFromGMT(for: instant)
        let local = Int(instant.timeIntervalSince1970) + offset
        let minute = ((local % 86_400) + 86_400) % 86_400 / 60
        let quiet = start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
        guard quiet else { return instant }
        // Minutes from now until the end of quiet hours, across midnight when needed.
        var wait = end - minute
        if wait <= 0 { wait += 1440 }
        let localEnd = (local / 60 + wait) * 60
        // The offset at the end may differ (a daylight-saving change during the night).
        let guess = Date(timeIntervalSince1970: TimeInterval(localEnd - offset))
        return Date(timeIntervalSince1970: TimeInterval(localEnd - zone.secondsFromGMT(for: guess)))
    }

    /// When the next automated message to a contact may go out, given the times of those
    /// already sent (any order): `now` when the cap allows one, otherwise the moment the
    /// oldest message that counts leaves the period.
    public func capAllows(at now: Date, sent: [Date]) -> Date {
        let window = now.addingTimeInterval(-per.timeInterval)
        let recent = sent.filter { $0 > window }.sorted(by: >)
        guard recent.count >= maxMessages else { return now }
        return recent[maxMessages - 1].addingTimeInterval(per.timeInterval)
    }
}
