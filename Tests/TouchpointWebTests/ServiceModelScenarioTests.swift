import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TouchpointApplication
import TouchpointCore
import TouchpointStore
@testable import TouchpointWeb

/// One strategic customer walks through every contact point in one morning, and one small
/// customer phones although their model offers no phone: each through the real intake path
/// (received mail, the phone system's webhook, the chat intake, the portal's form).
@Suite("Scenario: the service model acts on every contact point, one need stays one case")
struct ServiceModelScenarioTests {
    @Test func aHighTouchCustomerOnEmailPhoneChatAndPortalHasOneCaseWithTheirCSMAndATechTouchCallerIsPointedToSelfService() async throws {
        try await withConsole { fx, client in
            // setup: a mailbox, the phone system, a first-line team, a CSM at work, and a
            // strategic account (high-touch) whose CSM she is, with Kasia as its contact
            let brand = fx.brandID
            _ = try await fx.store.saveMailbox(address: "support@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            _ = try await fx.store.createIntegration(id: "test-pbx", brand: brand, kind: .cti, name: "PBX", secret: "s3cret")
            _ = try await fx.store.createTeam(brand: brand, name: "First line")
            let csm = try await fx.store.createStaffUser(brand: brand, email: "csm@acme.example", name: "Celina", role: .csm, team: nil)
            _ = try await fx.store.updateAgent(csm.id, brand: brand, actor: .system, changes: AgentChanges(presence: .available))
            let account = try await fx.store.createAccount(brand: brand, actor: .system, name: "Bakeries",
                                                           profile: AccountProfile(annualValue: 400_000, complexity: .high, ownerCSM: csm.id))
            #expect(account.serviceModel == .highTouch)
            let kasia = try await fx.store.createContact(brand: brand, actor: .system, accountID: account.id, name: "Kasia", title: nil, preferredContactPoint: nil,
                                                         identities: [Identity(storedKind: .email, value: "kasia@bakeries.example"),
                                                                      Identity(storedKind: .phone, value: "+48600700800")])

            // 1. Email, received as an MTA hands it over.
            let raw = "From: Kasia <kasia@bakeries.example>\r\nTo: support@acme.example\r\nSubject: Oven meter shows zero\r\n"
                + "Message-ID: <oven-1@bakeries.example>\r\nDate: Mon, 7 Dec 2026 08:00:00 +0100\r\n\r\nThe meter of the oven line shows zero since 6 am.\r\n"
            let mail = try await fx.store.receiveMail(raw: Array(raw.utf8), envelopeFrom: "kasia@bakeries.example", recipients: ["support@acme.example"])
            let first = try await fx.store.processMail(try #require(mail.first))
            let caseID = try #require(first.caseID)
            var item = try await fx.store.case(caseID, brand: brand)
            #expect(item.contactID == kasia.id && item.serviceModel == .highTouch)

            // 2. She phones: the phone system's events through the webhook.
            let pop = try await WebhookTests.call(fx, client, "newCall", "k1", at: JSONIO.format(Date()), from: "+48600700800").answer
            #expect(pop["routingHint"] as? String == "agent" && (pop["ringFirst"] as? [String: Any])?["email"] as? String == "csm@acme.example")
            try await WebhookTests.call(fx, client, "answer", "k1", at: JSONIO.format(Date().addingTimeInterval(5)), from: "+48600700800",
                                        extra: #", "user": "csm@acme.example""#)
            let call = try await WebhookTests.call(fx, client, "hangup", "k1", at: JSONIO.format(Date().addingTimeInterval(120)), from: "+48600700800",
                                                   extra: #", "cause": "normalClearing""#).envelope
            #expect(call.caseID == caseID, "the call continues the email's case")

            // 3. She writes on the web chat, saying who she is.
            let chat = try await fx.inbox.receiveChatMessage(ChatPayload(visitor: UUID().uuidString.lowercased(), clientId: "k-chat-1",
                                                                         text: "Any news about the oven meter?",
                                                                         identity: Identity(storedKind: .email, value: "kasia@bakeries.example"),
                                                                         name: "Kasia", leftMessage: false), brand: brand)
            #expect(chat.caseID == caseID, "the chat continues it too")

            // 4. She asks on the portal.
            var portal = ConsoleBrowser(client)
            try await PortalTests.signIn(&portal, fx, as: "kasia@bakeries.example")
            let home = try await portal.get("/portal/acme")
            let asked = try await portal.post("/portal/acme/requests", ["subject": "Oven meter", "body": "Can someone come today?", "csrf": ConsoleBrowser.csrf(home)])
            #expect(asked.status == .seeOther)

            // check: one case, on four contact points, owned by her CSM, on high-touch targets
            let cases = try await fx.store.portalCases(contactID: kasia.id, brand: brand)
            #expect(cases.count == 1 && cases.first?.id == caseID, "\(cases.map(\.subject))")
            let points = Set(try await fx.store.interactions(caseID: caseID, brand: brand).map(\.contactPoint))
            #expect(points == [.email, .phone, .webChat, .portal])
            item = try await fx.store.case(caseID, brand: brand)
            #expect(item.assigneeID == csm.id, "the named CSM owns it")
            let policy = try await fx.store.serviceConfig(brand: brand).policy(.highTouch)
            let firstResponse = try #require(item.sla?.clocks.first { $0.kind == .firstResponse })
            #expect(firstResponse.targetMinutes == policy.sla[item.priority].firstResponseMinutes && policy.calendarId == nil, "high-touch targets, around the clock")
            let continued = try await fx.store.auditLog(brand: brand, caseID: caseID, limit: 100, cursor: nil).items.filter { $0.type == .caseContinued }
            #expect(continued.count == 3, "phone, chat and portal each say why they continued it")
            // Its escalation ceiling is the executive: a manager may take it all the way up.
            let (status, up) = try await fx.call(client, .post, "/api/v1/cases/\(item.number)/escalate", #"{"reason": "production stopped", "to": "executive"}"#,
                                                 as: "manager")
            #expect(status == .ok && (up["escalation"] as? [String: Any])?["to"] as? String == "executive" && (up["escalation"] as? [String: Any])?["capped"] as? Bool == false)

            // A small customer (tech-touch: no phone in the model) phones: the phone system is
            // told to point him to self-service, and the portal is offered instead.
            _ = try await fx.store.createContact(brand: brand, actor: .system, accountID: nil, name: "Olek", title: nil, preferredContactPoint: nil,
                                                 identities: [Identity(storedKind: .phone, value: "+48600700900")])
            let small = try await WebhookTests.call(fx, client, "newCall", "o1", at: JSONIO.format(Date()), from: "+48600700900").answer
            #expect(small["serviceModel"] as? String == "techTouch" && small["routingHint"] as? String == "selfService")
            #expect(small["selfServicePath"] as? String == "/portal/acme" && small["ringFirst"] == nil)
            let techTouch = try await fx.store.serviceConfig(brand: brand).policy(.techTouch)
            #expect(!techTouch.offeredContactPoints.contains(.phone) && techTouch.escalationCeiling < .executive)
        }
    }

    @Test func thePortalAndTheKioskOfferOnlyWhatTheCustomersModelServes() async throws {
        try await withConsole { fx, client in
            // setup: a customer without an account (the default model, tech-touch: no phone, no
            // kiosk in the model) known by email, phone and card number
            let brand = fx.brandID
            _ = try await fx.store.saveMailbox(address: "support@acme.example", brand: brand, teamID: nil, forwardsOpenForSender: false, actor: .system)
            _ = try await fx.store.createContact(brand: brand, actor: .system, accountID: nil, name: "Olga Lis", title: nil, preferredContactPoint: nil,
                                                 identities: [Identity(storedKind: .email, value: "olga@example.org"), Identity(storedKind: .phone, value: "+48600100200"),
                                                              Identity(storedKind: .customerNumber, value: "C-30003")])
            let techTouch = try await fx.store.serviceConfig(brand: brand).policy(.techTouch)
            #expect(!techTouch.offeredContactPoints.contains(.phone) && !techTouch.offeredContactPoints.contains(.kiosk))

            // The portal's "how we should reach you" offers email and SMS, not the phone.
            var portal = ConsoleBrowser(client)
            try await PortalTests.signIn(&portal, fx, as: "olga@example.org")
            let profile = String(buffer: try await portal.get("/portal/acme/profile").body)
            #expect(profile.contains(#"<option value="email""#) && profile.contains(#"<option value="sms""#))
            #expect(!profile.contains(#"<option value="phone""#), "the phone is not offered to tech-touch customers")

            // The kiosk serves her requests while the policy says "serve" (the default)...
            _ = try await fx.store.registerKiosk(brand: brand, location: nil, name: "Hall", languages: ["en", "pl"], token: "model-kiosk-token")
            var kiosk = ConsoleBrowser(client)
            _ = try await kiosk.get("/kiosk/setup?token=model-kiosk-token")
            let keypad = try await kiosk.get("/kiosk/number")
            _ = try await kiosk.post("/kiosk/number", ["csrf": ConsoleBrowser.csrf(keypad), "number": "C-30003"])
            #expect(String(buffer: try await kiosk.get("/kiosk").body).contains(#"id="menu-request""#))
            // ...and points her to the website once the policy sends kiosk requests to self-service.
            var policy = techTouch
            policy.offModel = [.kiosk: .selfService]
            _ = try await fx.store.setPolicy(policy, brand: brand, actor: .system)
            let menu = try await kiosk.get("/kiosk")
            #expect(!String(buffer: menu.body).contains(#"id="menu-request""#))
            let refused = String(buffer: try await kiosk.post("/kiosk/request", ["csrf": ConsoleBrowser.csrf(menu), "topic": "billing", "text": "New card"]).body)
            #expect(refused.contains("For your account this is done on our website"))
            #expect(try await fx.store.portalCases(contactID: try #require(try await fx.store.contacts(
                brand: brand, accountID: nil, identity: Identity(storedKind: .email, value: "olga@example.org"), query: nil, limit: 1, cursor: nil).items.first).id,
                                                   brand: brand).isEmpty, "no case was opened")
        }
    }
}
