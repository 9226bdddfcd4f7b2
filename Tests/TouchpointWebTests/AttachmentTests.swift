import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

@Suite("Files in the composer: multipart forms, stored by content, sent by email")
struct AttachmentTests {
    static func body(_ boundary: String, _ parts: [String]) -> [UInt8] {
        Array((parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n").utf8)
    }

    @Test func aMultipartBodyGivesItsFieldsAndFilesByteForByte() throws {
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartForm.boundary(contentType: #"Multipart/Form-Data; charset=utf-8; boundary="a b:c""#) == "a b:c")
        #expect(MultipartForm.boundary(contentType: "application/x-www-form-urlencoded") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
        // A file whose bytes hold line breaks, dashes and the boundary's text (not after a line
        // break, where it would end the part) survives unchanged.
        let binary: [UInt8] = [0x00, 0x0D, 0x0A, 0x2D, 0x2D, 0x61, 0x0D, 0x0A, 0xFF] + Array("--b\r".utf8)
        var raw = Array("--b\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nZażółć gęślą\r\n".utf8)
        raw += Array("--b\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"C:\\\\scans\\\\meter; \\\"old\\\".png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        raw += binary + Array("\r\n".utf8)
        raw += Array("--b\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n".utf8)
        let parsed = try MultipartForm.parse(raw, boundary: "b")
        #expect(parsed.fields.count == 1 && parsed.fields[0].name == "body" && parsed.fields[0].value == "Zażółć gęślą")
        #expect(parsed.files == [UploadedFile(field: "attachment", filename: "meter; \"old\".png", contentType: "image/png", data: binary)],
                "an empty file input is no file; the path is dropped from the name")
    }

    @Test func aBodyThatCannotBeReadSaysWhy() {
        func reason(_ raw: String, boundary: String = "b") -> String? {
            do { _ = try MultipartForm.parse(Array(raw.utf8), boundary: boundary); return nil } catch { return error.description }
        }
        #expect(reason("no parts at all") == "the body has no part (boundary not found)")
        #expect(reason("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ncut short") == "part 1 is not closed by the boundary (the body was cut short)")
        #expect(reason("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--") == "part 1 has no field name")
        #expect(reason("--b\r\nContent-Disposition: form-data; name=\"a\"") == "part 1 has no end of its headers")
        #expect(reason("--bX") == "a boundary is not followed by a line break")
        let many = (0...MultipartForm.maxParts).map { _ in "Content-Disposition: form-data; name=\"f\"\r\n\r\nx" }
        #expect(reason(String(decoding: Self.body("b", many), as: UTF8.self)) == "more than 100 parts")
    }

    @Test func anAgentAttachesFilesToAReplyAndANote() async throws {
        try await withConsole { fx, client in
            // setup: a customer's email case and a mailbox to answer from
            _ = try await fx.store.saveMailbox(address: "support@acme.example", brand: fx.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let opened = try await fx.store.openCase(brand: fx.brandID, actor: nil, request: OpenCase(
                contactPoint: .email, from: Identity(storedKind: .email, value: "jan@example.org"), subject: "Contract", body: "Send me the form, please."))
            var browser = ConsoleBrowser(client)
            _ = try await browser.signIn("agent@acme.example")
            let path = "/console/cases/\(opened.case.number)"
            let page = try await browser.get(path)
            let html = String(buffer: page.body)
            #expect(html.contains(#"enctype="multipart/form-data""#) && html.contains(#"id="reply-files""#) && html.contains(#"id="note-files""#))
            let form: [UInt8] = Array("%PDF-1.4\n".utf8) + (0..<2_000).map { UInt8($0 % 251) }

            // act: a reply with the form attached, sent by email
            let sent = try await browser.postMultipart(path + "/reply", ["csrf": ConsoleBrowser.csrf(page), "body": "Here it is.", "contactPoint": "email"],
                                                       files: [("attachment", "umowa.pdf", "application/pdf", form)])
            // check: the reply carries it, the outbox email too, and the console serves it back
            #expect(sent.status == .seeOther)
            let reply = try #require(try await fx.store.interactions(caseID: opened.case.id, brand: fx.brandID).last)
            #expect(reply.attachments.map(\.name) == ["umowa.pdf"] && reply.attachments.first?.size == form.count)
            let mail = try #require(try await fx.store.outbox(brand: fx.brandID, state: nil, limit: 10, cursor: nil).items.first { $0.recipient == "jan@example.org" })
            #expect(mail.email?.attachments.map(\.sha256) == reply.attachments.map(\.sha256))
            let download = try await browser.get("/console/attachments/\(try #require(reply.attachments.first?.sha256))")
            #expect(download.status == .ok && Array(download.body.readableBytesView) == form)
            #expect(String(buffer: try await browser.get(path).body).contains("umowa.pdf"), "the timeline lists it")

            // A file alone makes a note; files cannot go by SMS; too much is refused with the limit.
            let csrf = ConsoleBrowser.csrf(try await browser.get(path))
            let note = try await browser.postMultipart(path + "/note", ["csrf": csrf], files: [("attachment", "photo.jpg", "image/jpeg", [0xFF, 0xD8, 0xFF])])
            #expect(note.status == .seeOther)
            let noted = try #require(try await fx.store.interactions(caseID: opened.case.id, brand: fx.brandID).last)
            #expect(noted.direction == .internal && noted.text == "Attached: photo.jpg" && noted.attachments.first?.contentType == "image/jpeg")
            let bySMS = try await browser.postMultipart(path + "/reply", ["csrf": csrf, "body": "See attached", "contactPoint": "sms"],
                                                        files: [("attachment", "a.txt", "text/plain", Array("x".utf8))])
            #expect(bySMS.status == .unprocessableContent && String(buffer: bySMS.body).contains("files reach the customer by email only"))
            let huge = try await browser.postMultipart(path + "/note", ["csrf": csrf], files: [("attachment", "big.bin", "application/octet-stream",
                                                                                                 [UInt8](repeating: 7, count: 10 * 1_048_576 + 1))])
            #expect(huge.status == .contentTooLarge && String(buffer: huge.body).contains("10 MB"))
            let forged = try await browser.postMultipart(path + "/note", ["csrf": "forged", "body": "x"], files: [])
            #expect(forged.status == .forbidden, "the form token is checked in multipart forms too")
        }
    }
}
