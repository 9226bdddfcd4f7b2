/// RFC 4180 CSV: fields separated by commas (or semicolons, as spreadsheets in much of
/// Europe write them), optionally in double quotes with doubled quotes inside, records
/// ending in CRLF or LF; a quoted field may span lines.
public enum CSV {
    public struct Record: Sendable, Equatable {
        /// The line the record starts on (1-based), for error reports.
        public var line: Int
        public var fields: [String]
    }

    public enum Failure: Error, Equatable, Sendable {
        case unterminatedQuote(line: Int)
    }

    /// The separator of a file: the one of `,` and `;` the header line has more of.
    public static func separator(of text: Substring) -> Character {
        let header = text.prefix { $0 != "\n" && $0 != "\r\n" }
        return header.filter { $0 == ";" }.count > header.filter { $0 == "," }.count ? ";" : ","
    }

    public static func parse(_ text: String) throws(Failure) -> [Record] {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        let separator = separator(of: body)
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var line = 1
        var start = 1
        var index = body.startIndex
        func endRecord() {
            fields.append(field)
            // Blank lines are no records.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: start, fields: fields)) }
            fields = []
            field = ""
        }
        while index < body.endIndex {
            let character = body[index]
            index = body.index(after: index)
            if quoted {
                if character == "\"" {
                    if index < body.endIndex, body[index] == "\"" {
                        field.append("\"")
                        index = body.index(after: index)
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            case separator:
                fields.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                endRecord()
                afterQuote = false
                line += 1
                start = line
            default:
                field.append(character)
            }
        }
        if quoted { throw .unterminatedQuote(line: start) }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
