import Foundation

/// iCalendar (RFC 5545) invitations for visits, sent the iTIP way (RFC 5546): METHOD:REQUEST
/// for a new or moved visit (with a higher SEQUENCE), METHOD:CANCEL when it is called off.
public enum ICalendar {
    public enum Method: String, Sendable {
        case request = "REQUEST"
        case cancel = "CANCEL"
    }

    public struct Event: Sendable {
        public var uid: String
        public var sequence: Int
        public var start: Date
        public var end: Date
        public var summary: String
        public var description: String
        public var location: String?
        public var organizer: (name: String, email: String)
        public var attendee: (name: String?, email: String)
        public var stamp: Date

        public init(uid: String, sequence: Int, start: Date, end: Date, summary: String, description: String, location: String?,
                    organizer: (name: String, email: String), attendee: (name: String?, email: String), stamp: Date) {
            self.uid = uid
            self.sequence = sequence
            self.start = start
            self.end = end
            self.summary = summary
            self.description = description
            self.location = location
            self.organizer = organizer
            self.attendee = attendee
            self.stamp = stamp
        }
    }

    /// The whole VCALENDAR object, lines ending in CRLF and folded at 75 octets.
    public static func render(_ event: Event, method: Method) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Touchpoint//Appointments//EN", "CALSCALE:GREGORIAN", "METHOD:\(method.rawValue)",
            "BEGIN:VEVENT",
            "UID:\(text(event.uid))",
            "SEQUENCE:\(event.sequence)",
            "DTSTAMP:\(utc(event.stamp))",
            "DTSTART:\(utc(event.start))",
            "DTEND:\(utc(event.end))",
            "SUMMARY:\(text(event.summary))",
            "DESCRIPTION:\(text(event.description))",
        ]
        if let location = event.location { lines.append("LOCATION:\(text(location))") }
        lines.append("ORGANIZER;CN=\(parameter(event.organizer.name)):mailto:\(event.organizer.email)")
        let name = event.attendee.name.map { ";CN=\(parameter($0))" } ?? ""
        lines.append("ATTENDEE\(name);ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:\(event.attendee.email)")
        lines.append("STATUS:\(method == .cancel ? "CANCELLED" : "CONFIRMED")")
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261125T093000Z`.
    static func utc(_ date: Date) -> String {
        let parts = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).
    static func text(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// A parameter value is quoted when it holds characters that would end it.
    static func parameter(_ value: String) -> String {
        let clean = value.filter { $0 != "\"" && !$0.isNewline }
        return clean.contains(where: { ":;,".contains($0) }) ? "\"\(clean)\"" : clean
    }

    /// Lines longer than 75 octets continue on the next line after a space, never inside a
    /// UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var out = ""
        var count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(character)
            count += size
        }
        return out
    }
}
