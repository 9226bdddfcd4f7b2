import Foundation
import Testing
@testable import TouchpointCore

@Suite("A received message reduced for intake: sender, text, HTML, attachments, forwards")
struct InboundMailTests {
    func parse(_ text: String, envelope: String? = "sender@example.org") throws -> InboundMail {
        try InboundMail(parsing: Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8), envelopeSender: envelope,
                        casePrefix: "Acme", loopMarker: "support@acme.example")
    }

    @Test func controlCharactersLeaveTheTextButTabsAndLineBreaksStay() throws {
        #expect("a\u{0}b\u{7}c\u{7F}d".removingControlCharacters == "abcd")
        #expect("tab\tand\nline\r\nend".removingControlCharacters == nil, "nothing to remove")
        #expect("zażółć\u{0}".removingControlCharacters == "zażółć")
        let mail = try parse("From: a@example.org\nSubject: Hi\u{0} there\n\nBody\u{0} text\tok\n")
        #expect(mail.subject == "Hi there" && mail.text.hasPrefix("Body text\tok"))
        #expect(mail.defects.contains("control characters removed"))
    }

    @Test func aPlainMessage() throws {
        let mail = try parse("""
            From: =?utf-8?q?J=C3=B3zef_Nowak?= <Jozef.Nowak@Example.ORG>
            To: support@acme.example, "Other, Person" <other@acme.example>
            Cc: boss@example.org
            Subject: Re: [Acme #17] Meter
            Message-ID: <m1@example.org>
            In-Reply-To: <tp.17.x.y@acme.example>
            Date: Tue, 24 Nov 2026 10:00:00 +0100

            New reading is 1234.

            On Mon, 23 Nov 2026, Acme wrote:
            > What is the reading?
            """)
        #expect(mail.from == MailAddress(name: "Józef Nowak", address: "jozef.nowak@example.org"))
        #expect(mail.to.map(\.address) == ["support@acme.example", "other@acme.example"])
        #expect(mail.cc.map(\.address) == ["boss@example.org"])
        #expect(mail.messageID == "m1@example.org")
        #expect(mail.threading.caseNumber == 17)
        #expect(mail.threading.referencedIDs == ["tp.17.x.y@acme.example"])
        #expect(mail.threading.subject == "[Acme #17] Meter")
        #expect(mail.date == Date(timeIntervalSince1970: 1_795_510_800))
        #expect(mail.text.hasPrefix("New reading is 1234."))
        #expect(mail.freshText == "New reading is 1234.")
        #expect(mail.html == nil)
        #expect(mail.attachments.isEmpty)
        #expect(try parse("From: a@example.org\n\nNothing quoted here.\n").freshText == nil)
        #expect(!mail.classification.automatic)
    }

    @Test func htmlOnlyMailGetsItsTextDerivedAndItsHTMLSanitized() throws {
        let mail = try parse("""
            From: a@example.org
            Subject: html
            Content-Type: text/html; charset=utf-8

            <div>Hello <b>there</b><script>steal()</script></div><p onclick="x()">Second</p>
            """)
        #expect(mail.text.contains("Hello there"))
        #expect(mail.text.contains("Second"))
        #expect(!mail.text.contains("steal"))
        let html = try #require(mail.html)
        #expect(!html.contains("script") && !html.contains("onclick"))
        #expect(html.contains("<b>there</b>"))
    }

    @Test func attachmentsInlineImagesAndAttachedMessages() throws {
        let mail = try parse("""
            From: a@example.org
            Subject: files
            Content-Type: multipart/mixed; boundary=outer

            --outer
            Content-Type: multipart/related; boundary=rel

            --rel
            Content-Type: text/html

            <p>See <img src="cid:logo@x"></p>
            --rel
            Content-Type: image/png
            Content-ID: <logo@x>
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --rel--
            --outer
            Content-Type: application/pdf; name="../../etc/invoice.pdf"
            Content-Disposition: attachment
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --outer
            Content-Type: message/rfc822

            From: original@example.org
            Subject: inner

            inner text
            --outer--
            """)
        #expect(mail.text.contains("See"))
        #expect(mail.attachments.count == 3)
        let image = try #require(mail.attachments.first { $0.contentType == "image/png" })
        #expect(image.inline)
        #expect(image.data == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let pdf = try #require(mail.attachments.first { $0.contentType == "application/pdf" })
        #expect(pdf.name == "invoice.pdf", "no directories from the sender")
        #expect(!pdf.inline)
        #expect(String(decoding: pdf.data, as: UTF8.self) == "%PDF-1.4\n")
        let attached = try #require(mail.attachments.first { $0.contentType == "message/rfc822" })
        #expect(attached.name == "attachment-3.eml")
        #expect(String(decoding: attached.data, as: UTF8.self).contains("inner text"))
        #expect(!mail.text.contains("inner text"), "an attached message is not this message's text")
    }

    @Test func theOriginalSenderOfAForward() throws {
        let inline = try parse("""
            From: agent@acme.example
            Subject: Fwd: Broken meter

            FYI

            ---------- Forwarded message ---------
            From: Customer Person <customer@example.org>
            Date: Mon, 23 Nov 2026
            Subject: Broken meter

            It is broken.
            """)
        #expect(inline.threading.isForward)
        #expect(inline.forwardedFrom == MailAddress(name: "Customer Person", address: "customer@example.org"))

        let attached = try parse("""
            From: agent@acme.example
            Subject: Fw: Broken meter
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            see attached
            --b
            Content-Type: message/rfc822

            From: other.customer@example.org
            Subject: Broken meter

            It is broken.
            --b--
            """)
        #expect(attached.forwardedFrom?.address == "other.customer@example.org")

        let notForward = try parse("From: a@example.org\nSubject: Hello\n\n---------- Forwarded message ---------\nFrom: x@example.org\n")
        #expect(notForward.forwardedFrom == nil, "only a forward subject makes it a forward")
    }

    @Test func whatCannotBecomeAnInteraction() throws {
        #expect(throws: InboundMailError.noHeaders) { try parse("\nJust a body without headers\n") }
        #expect(throws: InboundMailError.noSender) { try parse("Subject: who?\n\ntext\n", envelope: "") }
        // Without From, the envelope sender stands in.
        let fallback = try parse("Subject: who?\n\ntext\n", envelope: "Envelope@Example.org")
        #expect(fallback.from.address == "envelope@example.org")
    }

    @Test func theNullEnvelopeSenderMarksMachineMail() throws {
        let mail = try parse("From: someone@example.org\nSubject: Out of office\n\nAway\n", envelope: "")
        #expect(mail.classification.automatic)
        #expect(mail.classification.reasons.contains("null envelope sender"))
        let looped = try parse("From: someone@example.org\nX-Loop: support@acme.example\nSubject: x\n\ny\n")
        #expect(looped.classification.loop)
    }

    @Test func rfc5322DatesAreWrittenInUTC() {
        #expect(MailDate.format(Date(timeIntervalSince1970: 1_795_510_800)) == "Tue, 24 Nov 2026 09:00:00 +0000")
        #expect(MailDate.parse(MailDate.format(Date(timeIntervalSince1970: 86_399))) == Date(timeIntervalSince1970: 86_399))
    }
}
