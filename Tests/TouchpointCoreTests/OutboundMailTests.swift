import Foundation
import Testing
@testable import TouchpointCore

@Suite("Outbound mail: rendering that any relay carries and our own parser reads back")
struct OutboundMailTests {
    func mail(text: String = "Hello", html: String? = nil, attachments: [OutboundMail.Attachment] = [], automatic: Bool = false) -> OutboundMail {
        OutboundMail(from: MailAddress(name: "Acme Energy", address: "support@acme.example"),
                     to: [MailAddress(name: "Józef Ćwik", address: "jozef@example.org")],
                     subject: "Re: Zażółć gęślą jaźń — a long subject that needs more than one encoded word [Acme #12]",
                     messageID: "tp.12.abc.0123456789ab@acme.example", inReplyTo: "m2@example.org", references: ["m1@example.org", "m2@example.org"],
                     date: Date(timeIntervalSince1970: 1_795_510_800), text: text, html: html, attachments: attachments, automatic: automatic,
                     loopMarker: "support@acme.example")
    }

    @Test func whatWeSendParsesBackToWhatWeMeant() throws {
        let text = "Dear Józef,\n.\nFrom the start: the meter \t\nis fixed. " + String(repeating: "long line ", count: 20) + "\n-- \nAcme"
        let outbound = mail(text: text, html: "<p>Dear <b>Józef</b></p>",
                            attachments: [.init(name: "Rechnung März.pdf", contentType: "application/pdf", data: Array(0...255))])
        let raw = outbound.rendered()
        #expect(raw.allSatisfy { $0 < 0x80 }, "7-bit clean for any relay")
        let lines = String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines.filter { $0.utf8.count > 78 })")

        let parsed = try InboundMail(parsing: raw, envelopeSender: "support@acme.example", casePrefix: "Acme", loopMarker: "support@acme.example")
        #expect(parsed.subject == outbound.subject)
        #expect(parsed.from == outbound.from)
        #expect(parsed.to == outbound.to)
        #expect(parsed.messageID == outbound.messageID)
        #expect(parsed.threading.referencedIDs == ["m2@example.org", "m1@example.org"])
        #expect(parsed.threading.caseNumber == 12)
        #expect(parsed.text == text)
        #expect(parsed.html == "<p>Dear <b>Józef</b></p>")
        #expect(parsed.attachments.count == 1)
        #expect(parsed.attachments.first?.name == "Rechnung März.pdf")
        #expect(parsed.attachments.first?.data == Array(0...255))
        // Our X-Loop marks it as ours when it comes back.
        #expect(parsed.classification.loop)
        #expect(parsed.date == outbound.date)
    }

    @Test func automaticMailSaysSo() throws {
        let raw = String(decoding: mail(automatic: true).rendered(), as: UTF8.self)
        #expect(raw.contains("\r\nAuto-Submitted: auto-replied\r\n"))
        let parsed = try InboundMail(parsing: Array(raw.utf8), envelopeSender: nil, casePrefix: "Acme", loopMarker: nil)
        #expect(parsed.classification.automatic)
        let reply = String(decoding: mail().rendered(), as: UTF8.self)
        #expect(!reply.contains("Auto-Submitted"))
    }

    @Test func quotedPrintableProtectsWhatRelaysMangle() {
        let encoded = String(decoding: TransferEncoding.quotedPrintable(Array("a = b \r\n.dot\r\nFrom here\r\nżółw".utf8)), as: UTF8.self)
        #expect(encoded == "a =3D b=20\r\n=2Edot\r\n=46rom here\r\n=C5=BC=C3=B3=C5=82w")
        let long = String(decoding: TransferEncoding.quotedPrintable(Array(String(repeating: "x", count: 200).utf8)), as: UTF8.self)
        #expect(long.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(TransferDecoding.quotedPrintable(Array(long.utf8)) == Array(String(repeating: "x", count: 200).utf8))
    }

    @Test func dataIsDotStuffedAndTerminated() {
        let block = String(decoding: SMTPWire.dataBlock(Array("Subject: x\n\n.hidden\nplain\r\n..two".utf8)), as: UTF8.self)
        #expect(block == "Subject: x\r\n\r\n..hidden\r\nplain\r\n...two\r\n.\r\n")
    }

    @Test func repliesAreReadAcrossPackets() {
        var reader = SMTPWire.ReplyReader()
        reader.receive(Array("250-mx.example\r\n250-PIPE".utf8))
        #expect(reader.next() == nil)
        reader.receive(Array("LINING\r\n250 AUTH PLAIN LOGIN\r\n354 go".utf8))
        #expect(reader.next() == SMTPSession.Reply(code: 250, lines: ["mx.example", "PIPELINING", "AUTH PLAIN LOGIN"]))
        #expect(reader.next() == nil)
        reader.receive(Array(" ahead\r\nnonsense\r\n".utf8))
        #expect(reader.next() == SMTPSession.Reply(354, "go ahead"))
        #expect(reader.next()?.code == 0, "not a reply")
    }
}
