import Foundation
import Testing
@testable import TouchpointCore

@Suite("MIME parsing: headers, encoded words, parameters, multipart, transfer encodings, charsets")
struct MIMETests {
    func bytes(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }
    func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            out.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    struct CharsetCase: CustomTestStringConvertible, Sendable {
        var charset: String
        var text: String
        var hex: String
        var testDescription: String { charset }
    }

    @Test(arguments: [
        CharsetCase(charset: "iso-8859-2", text: "Zażółć gęślą jaźń", hex: "5a61bff3b3e62067eab66cb1206a61bcf1"),
        CharsetCase(charset: "windows-1251", text: "Привет, мир", hex: "cff0e8e2e5f22c20ece8f0"),
        CharsetCase(charset: "KOI8-R", text: "Привет, мир", hex: "f0d2c9d7c5d42c20cdc9d2"),
        CharsetCase(charset: "euc-kr", text: "안녕하세요", hex: "bec8b3e7c7cfbcbcbfe4"),
        CharsetCase(charset: "gb2312", text: "你好世界", hex: "c4e3bac3cac0bde7"),
        CharsetCase(charset: "GB18030", text: "你好世界", hex: "c4e3bac3cac0bde7"),
        CharsetCase(charset: "big5", text: "你好世界", hex: "a741a66ea540acc9"),
        CharsetCase(charset: "Shift_JIS", text: "こんにちは世界", hex: "82b182f182c982bf82cd90a28a45"),
        CharsetCase(charset: "iso-2022-jp", text: "こんにちは世界", hex: "1b244224332473244b2441244f402433261b2842"),
        CharsetCase(charset: "cp1252", text: "“Smart” quotes – €", hex: "93536d617274942071756f74657320962080"),
        CharsetCase(charset: "ISO8859-15", text: "Prix : 5 €", hex: "50726978203a203520a4"),
        CharsetCase(charset: "iso-8859-7", text: "Καλημέρα", hex: "cae1ebe7ecddf1e1"),
        CharsetCase(charset: "windows-1257", text: "Ąžuolas ir ėglė", hex: "c0fe756f6c617320697220eb676ceb"),
    ])
    func charsetsDecode(_ example: CharsetCase) {
        #expect(Charset.isKnown(example.charset))
        #expect(Charset.decode(hex(example.hex), declared: example.charset) == example.text)
    }

    @Test func lyingAndUnknownCharsetsFallBackSafely() {
        // Declared ASCII, really UTF-8; declared UTF-8, really Windows-1252; unknown name.
        #expect(Charset.decode(Array("café".utf8), declared: "us-ascii") == "café")
        #expect(Charset.decode([0x63, 0x61, 0x66, 0xE9], declared: "utf-8") == "café")
        #expect(Charset.decode(Array("naïve".utf8), declared: "x-martian") == "naïve")
        #expect(Charset.decode([0x80, 0xFF], declared: nil) == "€ÿ")
    }

    /// Found by the mail fuzz target: a near-miss name whose usual spelling is unknown too
    /// ("windows215-0" → "windows-2150") was respelled without end and overflowed the stack.
    @Test func nearMissCharsetNamesAreRespelledOnce() {
        for name in ["windows215-0", "windows-2150", "cp-99999", "iso8859-99"] {
            #expect(!Charset.isKnown(name), "\(name)")
            #expect(Charset.decode(Array("naïve".utf8), declared: name) == "naïve")
        }
        #expect(Charset.isKnown("cp-1250") && Charset.isKnown("ISO_8859_2") && Charset.isKnown("windows_1257"))
    }

    /// Found by the mail fuzz target: in ISO-2022-JP's two-byte mode a second byte outside
    /// 0x21…0x7E overflowed the Shift_JIS arithmetic and trapped.
    @Test func brokenISO2022JPPairsBecomeQuestionMarks() {
        // ESC $ B, "こ" (0x24 0x33), then 0x24 followed by 0xFF, then ESC ( B and "ok".
        let text = Charset.decode([0x1B, 0x24, 0x42, 0x24, 0x33, 0x24, 0xFF, 0x1B, 0x28, 0x42, 0x6F, 0x6B], declared: "iso-2022-jp")
        #expect(text.hasPrefix("こ") && text.hasSuffix("ok") && text.contains("?"), "\(text)")
    }

    @Test func encodedWordsDecodeAndMalformedOnesStay() {
        #expect(EncodedWords.decode("=?UTF-8?B?WmHFvMOzxYLEhyBnxJnFm2zEhSBqYcW6xYQ=?=") == "Zażółć gęślą jaźń")
        #expect(EncodedWords.decode("=?iso-8859-1?Q?Caf=E9_cr=E8me?= tonight") == "Café crème tonight")
        // Whitespace between encoded words goes; a character split across two words survives.
        #expect(EncodedWords.decode("=?UTF-8?Q?caf=C3?=  =?UTF-8?Q?=A9?= ok") == "café ok")
        #expect(EncodedWords.decode("Re: =?utf-8?B?w6k=?=") == "Re: é")
        #expect(EncodedWords.decode("=?utf-8?X?abc?= and =?broken") == "=?utf-8?X?abc?= and =?broken")
        #expect(EncodedWords.decode("=?x-unknown?Q?caf=C3=A9?=") == "café")
        #expect(EncodedWords.decode("=?UTF-8*en?Q?hello?=") == "hello")
    }

    @Test func headersUnfoldAndLookupIgnoresCase() {
        let raw = bytes("""
            From: "Jan Kowalski" <jan@example.com>
            Subject: A long subject
             that continues
            \tand continues
            X-Weird line without colon
            Message-ID: <abc@example.com>

            body
            """)
        let (headers, start) = MailHeaders.parse(raw)
        #expect(headers["subject"] == "A long subject that continues\tand continues")
        #expect(headers["MESSAGE-ID"] == "<abc@example.com>")
        #expect(headers.defects == ["X-Weird line without colon"])
        #expect(Array(raw[start...]) == Array("body".utf8))
    }

    @Test func parametersFollowRFC2231AndQuoting() {
        let disposition = HeaderParameters(#"attachment; filename*0*=utf-8''%E2%82%AC%20rates; filename*1=".pdf""#)
        #expect(disposition.value == "attachment")
        #expect(disposition["filename"] == "€ rates.pdf")
        let type = HeaderParameters(#"Text/Plain; charset="iso-8859-2"; name="a;b \"c\".txt""#)
        #expect(type.value == "text/plain")
        #expect(type["charset"] == "iso-8859-2")
        #expect(type["NAME"] == #"a;b "c".txt"#)
        #expect(HeaderParameters("attachment; filename*=iso-8859-1'fr'caf%E9.txt")["filename"] == "café.txt")
        #expect(HeaderParameters(nil, default: "text/plain").value == "text/plain")
    }

    @Test func transferEncodingsAreLenient() {
        #expect(TransferDecoding.base64(Array("SGVs\r\nbG8g!d29y bGQ".utf8)) == Array("Hello world".utf8), "line breaks, junk and no padding")
        #expect(TransferDecoding.quotedPrintable(Array("caf=C3=A9 soft=\r\nbreak =ZZ end=".utf8)) == Array("café softbreak =ZZ end".utf8))
        #expect(TransferDecoding.quotedPrintable(Array("a=20  =\nb".utf8)) == Array("a   b".utf8))
    }

    static let nested = """
        From: Jan <jan@example.com>
        To: support@acme.example
        Subject: =?utf-8?Q?Faktura_=C5=BAle_policzona?=
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        This is a multi-part message in MIME format.
        --outer
        Content-Type: multipart/alternative; boundary=inner

        --inner
        Content-Type: text/plain; charset=iso-8859-2
        Content-Transfer-Encoding: quoted-printable

        Dzie=F1 dobry, faktura jest za wysoka. To jest d=B3ugi wiersz, kt=F3ry =
        zosta=B3 z=B3amany.
        --inner
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: base64

        PHA+RHppZcWEIGRvYnJ5PC9wPg==
        --inner--
        --outer
        Content-Type: application/pdf; name="faktura.pdf"
        Content-Disposition: attachment; filename="faktura.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQK
        --outer
        Content-Type: message/rfc822

        From: billing@acme.example
        Subject: Your invoice

        Earlier message.
        --outer--
        Epilogue is ignored.
        """

    @Test func nestedMultipartGivesBodiesAttachmentsAndAttachedMessages() throws {
        let message = MIMEPart(parsing: bytes(Self.nested))
        #expect(message.headers["Subject"] == "Faktura źle policzona")
        #expect(message.contentType.value == "multipart/mixed")
        #expect(message.parts.count == 3)
        #expect(message.defects.isEmpty)
        let (text, html) = message.bodies
        #expect(text == "Dzień dobry, faktura jest za wysoka. To jest długi wiersz, który został złamany.")
        #expect(html == "<p>Dzień dobry</p>")
        let pdf = message.parts[1]
        #expect(pdf.isAttachment)
        #expect(pdf.filename == "faktura.pdf")
        #expect(pdf.body == Array("%PDF-1.4\n".utf8))
        let attached = try #require(message.parts[2].parts.first)
        #expect(attached.headers["Subject"] == "Your invoice")
        #expect(attached.text == "Earlier message.")
    }

    @Test func brokenStructuresAreReadAsFarAsTheyGo() {
        let unclosed = MIMEPart(parsing: Array("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nfirst\n--b\n\nsecond".utf8))
        #expect(unclosed.parts.map(\.text) == ["first", "second"])
        #expect(unclosed.defects == ["multipart without its closing boundary"])
        let noBoundary = MIMEPart(parsing: Array("Content-Type: multipart/mixed\n\nplain words".utf8))
        #expect(noBoundary.defects == ["multipart without a boundary"])
        #expect(noBoundary.text == "plain words")
        // A boundary that is a prefix of another line is not a boundary.
        let prefix = MIMEPart(parsing: Array("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bx is text\n--b--\n".utf8))
        #expect(prefix.parts.map(\.text) == ["--bx is text"])
        // Nesting deeper than the limit is kept as bytes, not recursed into.
        var deep = "leaf"
        for level in 0..<(MIMEPart.maxDepth + 5) {
            deep = "Content-Type: multipart/mixed; boundary=l\(level)\n\n--l\(level)\n\(deep)\n--l\(level)--\n"
        }
        let parsed = MIMEPart(parsing: Array(deep.utf8))
        var depth = 0
        var cursor = parsed
        while let child = cursor.parts.first { cursor = child; depth += 1 }
        #expect(depth == MIMEPart.maxDepth)
        #expect(cursor.defects.contains("nested deeper than \(MIMEPart.maxDepth) levels"))
        // No header section at all, and an empty message.
        #expect(MIMEPart(parsing: Array("\nJust a body".utf8)).text == "Just a body")
        #expect(MIMEPart(parsing: []).body.isEmpty)
    }
}

@Suite("Addresses, message ids, quoted replies and text from HTML")
struct MailTextTests {
    @Test func addressListsParseNamesCommentsAndGroups() {
        let list = MailAddress.list(#""Kowalski, Jan" <Jan.Kowalski@Example.COM>, ola@example.com (Ola Nowak), =?utf-8?Q?Zo=C5=9Bka?= <zoska@example.com>"#)
        #expect(list == [MailAddress(name: "Kowalski, Jan", address: "jan.kowalski@example.com"),
                         MailAddress(name: "Ola Nowak", address: "ola@example.com"),
                         MailAddress(name: "Zośka", address: "zoska@example.com")])
        #expect(MailAddress.list("undisclosed-recipients:;").isEmpty)
        #expect(MailAddress.list("Team: a@example.com, b@example.com;").map(\.address) == ["a@example.com", "b@example.com"])
        #expect(MailAddress.list(#""Re: billing" <mailto:billing@acme.example>, not an address, <>"#).map(\.address) == ["billing@acme.example"])
    }

    @Test func messageIDsKeepOrderAndTolerateMissingBrackets() {
        #expect(MessageIDs.parse("<a@x> <b@y>\r\n <c@z>") == ["a@x", "b@y", "c@z"])
        #expect(MessageIDs.parse("a@x b@y") == ["a@x", "b@y"])
        #expect(MessageIDs.parse(nil).isEmpty)
    }

    @Test(arguments: [
        ("Thanks, that works.\n\nOn Mon, 23 Nov 2026 at 09:00, Support <support@acme.example> wrote:\n> We fixed it.", "Thanks, that works."),
        ("Danke!\n\nAm 23.11.2026 um 09:00 schrieb Support <support@acme.example>:\n> Erledigt.", "Danke!"),
        ("Dziękuję.\n\nW dniu 23.11.2026 o 09:00, Support <support@acme.example>\npisze:\n> Gotowe.", "Dziękuję."),
        ("See below.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nSubject: Re: invoice", "See below."),
        ("Outlook reply\n\nFrom: Support <support@acme.example>\nSent: Monday, November 23, 2026 9:00 AM\nTo: Jan\n\nOld text", "Outlook reply"),
        ("Short answer\n> quoted line one\n>\n> quoted line two\n", "Short answer"),
    ])
    func quotedHistoryIsSplitOff(text: String, fresh: String) {
        let split = QuotedReply.split(text)
        #expect(split.fresh == fresh)
        #expect(split.quoted != nil)
    }

    @Test func inlineQuotesAndPlainMessagesStayWhole() {
        let interleaved = "> Can you check?\nYes, done.\n> And the invoice?\nSent today."
        #expect(QuotedReply.split(interleaved).fresh == interleaved)
        #expect(QuotedReply.split("Just one line").quoted == nil)
    }

    @Test func htmlBecomesReadableText() {
        let html = """
            <html><head><style>p { color: red }</style><title>x</title></head><body>
            <p>Dzie&#324; dobry,&nbsp;Jan</p><div>Invoice&nbsp;<b>#42</b> is   ready &amp; paid.</div>
            <ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr></table>
            <script>alert(1)</script><pre>keep   spaces
            here</pre><!-- hidden -->&unknown; &#x20AC;5
            </body></html>
            """
        #expect(HTMLText.plainText(fromHTML: html) == "Dzień dobry, Jan\nInvoice #42 is ready & paid.\n• one\n• two\na b\nkeep   spaces\nhere\n&unknown; €5")
        #expect(HTMLText.plainText(fromHTML: "a<br>b<br><br>c<br><br><br>d") == "a\nb\n\nc\n\nd")
    }
}

@Suite("Machine mail, loops, bounces and dates")
struct MailClassificationTests {
    func message(_ text: String) -> MIMEPart { MIMEPart(parsing: Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)) }

    @Test(arguments: [
        ("Auto-Submitted: auto-replied", true), ("Auto-Submitted: no", false), ("Auto-Submitted: No; owner-email=x@y", false),
        ("Precedence: bulk", true), ("Precedence: list", true), ("Precedence: first-class", false),
        ("X-Autoreply: yes", true), ("List-Id: <news.example.com>", true), ("Return-Path: <>", true),
        ("From: MAILER-DAEMON@mx.example.com", true), ("From: Postmaster <postmaster@example.com>", true),
        ("From: no-reply@shop.example", true), ("X-Mailer: Thunderbird", false),
    ])
    func machineMailIsNeverAnsweredAutomatically(header: String, automatic: Bool) {
        let text = header.hasPrefix("From:") ? "\(header)\nSubject: hi\n\nbody" : "From: jan@example.com\n\(header)\nSubject: hi\n\nbody"
        #expect(MailClassification.of(message(text)).automatic == automatic)
    }

    @Test func ownMailComingBackIsALoop() {
        let looped = MailClassification.of(message("From: jan@example.com\nX-Loop: touchpoint-acme\n\nbody"), loopMarker: "touchpoint-acme")
        #expect(looped.loop && looped.automatic)
        let ours = MailClassification.of(message("From: jan@example.com\nMessage-ID: <t.123@mail.acme.example>\n\nbody"), ownDomain: "mail.acme.example")
        #expect(ours.loop)
        #expect(!MailClassification.of(message("From: jan@example.com\nMessage-ID: <x@example.com>\n\nbody"), ownDomain: "mail.acme.example").loop)
    }

    @Test func deliveryStatusReportsNameTheFailedRecipientAndTheOriginal() throws {
        let report = message("""
            From: MAILER-DAEMON@mx.example.com
            Subject: Undelivered Mail Returned to Sender
            Content-Type: multipart/report; report-type=delivery-status; boundary="r"

            --r
            Content-Type: text/plain

            I'm sorry to have to inform you that your message could not be delivered.
            --r
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.com

            Final-Recipient: rfc822; Jan@Example.com
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 user unknown
            --r
            Content-Type: text/rfc822-headers

            Message-ID: <t.42@mail.acme.example>
            Subject: Re: Invoice
            --r--
            """)
        let classification = MailClassification.of(report)
        #expect(classification.bounce && classification.automatic)
        let status = try #require(DeliveryStatus(report))
        #expect(status.recipients == [DeliveryStatus.Recipient(address: "jan@example.com", action: "failed", status: "5.1.1",
                                                                diagnostic: "smtp; 550 5.1.1 user unknown")])
        #expect(status.recipients.first?.permanent == true)
        #expect(status.originalMessageID == "t.42@mail.acme.example")
        #expect(DeliveryStatus(message("From: a@b\n\nnot a report")) == nil)
    }

    @Test(arguments: [
        ("Mon, 23 Nov 2026 09:30:00 +0100", 1_795_422_600.0), ("23 Nov 2026 08:30:00 GMT", 1_795_422_600.0),
        ("Mon, 23 Nov 2026 03:30 EST (Eastern)", 1_795_422_600.0), ("Mon, 23 Nov 26 08:30:00 +0000", 1_795_422_600.0),
    ])
    func datesParse(text: String, epoch: Double) {
        #expect(MailDate.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test func badDatesAreNil() {
        #expect(MailDate.parse("yesterday") == nil)
        #expect(MailDate.parse("Mon, 32 Nov 2026 09:30:00 +0100") == nil)
        #expect(MailDate.parse(nil) == nil)
        // Found by fuzzing: a year or seconds beyond any calendar overflowed the arithmetic and
        // stopped the process, for every retry of the message.
        #expect(MailDate.parse("Tue, 24 Nov 00000000000000000000000100000000040444 10:00:00") == nil)
        #expect(MailDate.parse("24 Nov 9223372036854775807 10:00:00 +0000") == nil)
        #expect(MailDate.parse("24 Nov 2026 10:00:9223372036854775807 +0000") == nil)
        #expect(MailDate.parse("24 Nov 2026 10:00:60 +0000")?.timeIntervalSince1970 == 1_795_514_460)
    }
}

@Suite("Threading hints from a message's headers")
struct ThreadingHintsTests {
    func headers(_ text: String) -> MailHeaders { MailHeaders.parse(Array((text + "\n\n").utf8)).headers }

    @Test func referencesCaseTagsAndSubjects() {
        let hints = ThreadingHints(headers: headers("""
            Subject: RE: AW: Re[2]: [Acme #1234] Invoice too high
            In-Reply-To: <c@acme>
            References: <a@acme> <b@acme> <c@acme>
            """), casePrefix: "Acme")
        #expect(hints.referencedIDs == ["c@acme", "b@acme", "a@acme"])
        #expect(hints.caseNumber == 1234)
        #expect(hints.subject == "[Acme #1234] Invoice too high")
        #expect(!hints.isForward)
        let forwarded = ThreadingHints(headers: headers("Subject: Fwd: WG: the original problem"), casePrefix: "Acme")
        #expect(forwarded.isForward)
        #expect(forwarded.subject == "the original problem")
        #expect(forwarded.caseNumber == nil)
        #expect(ThreadingHints(headers: headers("Subject: Answer [acme # 77] please"), casePrefix: "Acme").caseNumber == 77)
        #expect(ThreadingHints(headers: headers("Subject: [Globex #5] not ours"), casePrefix: "Acme").caseNumber == nil)
        #expect(ThreadingHints(headers: headers("Subject: Re: Meeting: agenda"), casePrefix: "Acme").subject == "Meeting: agenda")
    }
}

@Suite("Real-world test mail from Python's email test suite (Debian's libpython3.11-testsuite)")
struct PythonEmailCorpusTests {
    /// The message files the package installs; `.ci/run` installs it.
    static func corpus() -> [URL] {
        let fileManager = FileManager.default
        let roots = ((try? fileManager.contentsOfDirectory(atPath: "/usr/lib")) ?? []).filter { $0.hasPrefix("python3") }.sorted()
        for root in roots.reversed() {
            let directory = URL(fileURLWithPath: "/usr/lib/\(root)/test/test_email/data")
            if let names = try? fileManager.contentsOfDirectory(atPath: directory.path), !names.isEmpty {
                return names.filter { $0.hasPrefix("msg_") }.sorted().map { directory.appendingPathComponent($0) }
            }
        }
        return []
    }

    @Test func everyMessageIsParsedWithoutACrash() throws {
        let files = Self.corpus()
        #expect(files.count >= 40, "install libpython3.11-testsuite (.ci/run does) for the corpus under /usr/lib/python3*/test/test_email/data")
        var withText = 0
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            let message = MIMEPart(parsing: bytes)
            let (text, html) = message.bodies
            if text != nil || html != nil { withText += 1 }
            _ = MailClassification.of(message, ownDomain: "mail.acme.example", loopMarker: "touchpoint")
            _ = DeliveryStatus(message)
            _ = ThreadingHints(headers: message.headers, casePrefix: "Acme")
            _ = MailAddress.list(message.headers.raw("From") ?? "")
            _ = MailDate.parse(message.headers["Date"])
            _ = html.map(HTMLText.plainText(fromHTML:))
            _ = text.map(QuotedReply.split)
            #expect(!message.leaves.isEmpty, "\(file.lastPathComponent)")
            // The intake's reduction of the message either works or names its reason.
            do {
                let mail = try InboundMail(parsing: bytes, envelopeSender: "", casePrefix: "Acme", loopMarker: "support@acme.example")
                #expect(!mail.from.address.isEmpty)
            } catch {
                #expect(!error.reason.isEmpty)
            }
        }
        #expect(withText > files.count / 2, "most of the corpus has a readable body")
    }
}
