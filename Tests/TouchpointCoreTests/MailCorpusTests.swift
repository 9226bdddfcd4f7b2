import Foundation
import Testing
@testable import TouchpointCore

/// The fixture corpus under Tests/Fixtures/mail: messages composed by `generate.py` with
/// Python's codecs (every charset in every transfer encoding, structures, machine mail,
/// bounces, threading, broken input), each with what a correct parse says.
@Suite("Mail fixture corpus: every message parses to its expected result")
struct MailCorpusTests {
    struct Expected: Decodable, CustomTestStringConvertible, Sendable {
        var file: String
        var error: String?
        var envelope: String?
        var sender: String?
        var senderName: String?
        var subject: String?
        var textContains: [String]?
        var textLacks: [String]?
        var freshText: String?
        var html: Bool?
        var htmlLacks: [String]?
        var attachments: [[Attachment]]?
        var automatic: Bool?
        var bounce: Bool?
        var bounced: [String]?
        var bouncedMessageId: String?
        var caseNumber: Int?
        var references: [String]?
        var threadSubject: String?
        var forwardedFrom: String?

        var testDescription: String { file }

        /// `[name, size]` pairs in the JSON.
        enum Attachment: Decodable, Sendable {
            case name(String), size(Int)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let size = try? container.decode(Int.self) { self = .size(size) } else { self = .name(try container.decode(String.self)) }
            }
        }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/mail")

    static let cases: [Expected] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")) else { return [] }
        return (try? JSONDecoder().decode([Expected].self, from: data)) ?? []
    }()

    func collapsed(_ text: String) -> String { text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }

    @Test func theCorpusIsThere() {
        #expect(Self.cases.count >= 200)
    }

    @Test(arguments: cases)
    func parse(_ expected: Expected) throws {
        let raw = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent("corpus/" + expected.file)))
        let parse = { () throws(InboundMailError) -> InboundMail in
            try InboundMail(parsing: raw, envelopeSender: expected.envelope ?? "relay@example.org", casePrefix: "Acme", loopMarker: "support@acme.example")
        }
        if let error = expected.error {
            #expect(throws: error == "noHeaders" ? InboundMailError.noHeaders : InboundMailError.noSender) { try parse() }
            return
        }
        let mail = try parse()
        #expect(mail.from.address == expected.sender)
        if let name = expected.senderName { #expect(mail.from.name == name) }
        if let subject = expected.subject { #expect(collapsed(mail.subject) == collapsed(subject)) }
        for fragment in expected.textContains ?? [] { #expect(mail.text.contains(fragment), "text: \(mail.text.prefix(200))") }
        for fragment in expected.textLacks ?? [] { #expect(!mail.text.contains(fragment)) }
        if let fresh = expected.freshText { #expect(mail.freshText == fresh) }
        if let html = expected.html { #expect((mail.html != nil) == html) }
        for fragment in expected.htmlLacks ?? [] { #expect(mail.html?.contains(fragment) == false) }
        if let attachments = expected.attachments {
            let wanted = attachments.map { pair -> String in
                pair.map { if case .name(let name) = $0 { name } else if case .size(let size) = $0 { "\(size)" } else { "" } }.joined(separator: "|")
            }
            #expect(mail.attachments.map { "\($0.name)|\($0.data.count)" } == wanted)
        }
        if let automatic = expected.automatic { #expect(mail.classification.automatic == automatic, "\(mail.classification.reasons)") }
        if let bounce = expected.bounce { #expect(mail.classification.bounce == bounce) }
        if let bounced = expected.bounced {
            let recipient = try #require(mail.deliveryStatus?.recipients.first)
            #expect([recipient.address, recipient.action, recipient.status] == bounced)
            #expect(mail.deliveryStatus?.originalMessageID == expected.bouncedMessageId)
        }
        if let number = expected.caseNumber { #expect(mail.threading.caseNumber == number) }
        if let references = expected.references { #expect(mail.threading.referencedIDs == references) }
        if let subject = expected.threadSubject { #expect(mail.threading.subject == subject) }
        if let original = expected.forwardedFrom { #expect(mail.forwardedFrom?.address == original) }
    }
}
