import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TouchpointApplication
import TouchpointCore

/// The survey page a customer opens from the email: the link chooses, Send records once; a
/// comment once; unknown and expired links say so; the brand's language; the settings API.
@Suite("The survey page")
struct SurveyPageTests {
    @Test func theLinkChoosesSendRecordsOnceAndTheSettingsAreChecked() async throws {
        try await withAPI { fx, client in
            let app = UseCases(store: fx.store)
            _ = try await fx.store.saveMailbox(
                address: "support@acme.example", brand: fx.brandID, teamID: nil, forwardsOpenForSender: false, actor: .system)
            let opened = try await fx.store.openCase(
                brand: fx.brandID, actor: nil,
                request: OpenCase(
                    contactPoint: .email, from: try Identity(kind: .email, raw: "ola@example.org"), subject: "Meter reading", body: "Please read it.")
            )
            _ = try await fx.store.updateCase(opened.case.id, brand: fx.brandID, actor: .system, update: CaseUpdate(status: .resolved))
            guard case .success(let token) = try await app.surveys.askAfterResolution(caseID: opened.case.id, brand: fx.brandID) else {
                Issue.record("no survey")
                return
            }
            func get(_ path: String) async throws -> (HTTPResponse.Status, String) {
                let response = try await client.execute(uri: path, method: .get)
                return (response.status, String(buffer: response.body))
            }
            func post(_ form: String) async throws -> (HTTPResponse.Status, String) {
                let response = try await client.execute(
                    uri: "/survey/\(token)", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: form))
                return (response.status, String(buffer: response.body))
            }
            // Opening the email's link chooses 4 but records nothing (mail scanners open links).
            var (status, html) = try await get("/survey/\(token)?score=4")
            #expect(status == .ok && html.contains(#"value="4" required checked"#) && html.contains("Meter reading"))
            #expect(try await app.surveys.survey(token: token)?.score == nil)
            (status, html) = try await post("score=4&comment=Quick+and+kind")
            #expect(status == .ok && html.contains("id=\"survey-thanks\"") && !html.contains("id=\"survey-comment\""))
            let view = try await app.surveys.survey(token: token)
            #expect(view?.score == 4 && view?.comment == "Quick and kind")
            // Sent again: nothing changes.
            (status, _) = try await post("score=1")
            #expect(try await app.surveys.survey(token: token)?.score == 4)
            #expect(try await get("/survey/unknown-token").0 == .notFound)
            #expect(try await post("score=9").0 == .ok, "an answered survey takes no second score")

            // A Polish brand asks in Polish, and says so to the browser.
            _ = try await fx.store.updateBrand(fx.brandID, language: .pl, timeZone: nil, actor: .system)
            (status, html) = try await get("/survey/\(token)")
            #expect(html.contains(#"<html lang="pl">"#) && html.contains("Dziękujemy — Twoja odpowiedź została zapisana."))

            // The settings: read, checked, changed by an admin only.
            let (settingsStatus, settings) = try await fx.call(client, .get, "/api/v1/surveys/settings")
            #expect(settingsStatus == .ok && settings["csatEveryDays"] as? Int == 7)
            let (badStatus, bad) = try await fx.call(client, .put, "/api/v1/surveys/settings", #"{"lowCSAT": 5}"#)
            #expect(badStatus == .unprocessableContent && bad["field"] as? String == "lowCSAT", "\(bad)")
            #expect(try await fx.call(client, .put, "/api/v1/surveys/settings", #"{"lowCSAT": 3}"#, as: "agent").0 == .forbidden)
            let (okStatus, changed) = try await fx.call(
                client, .put, "/api/v1/surveys/settings", #"{"csatModels": ["highTouch"], "expiresAfterDays": 3}"#)
            #expect(okStatus == .ok && changed["csatModels"] as? [String] == ["highTouch"] && changed["csatEveryDays"] as? Int == 7)
        }
    }
}
