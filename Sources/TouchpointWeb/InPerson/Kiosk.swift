import Crypto
import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The kiosk at `/kiosk`: a touch screen in a service point, registered as a device (its
/// token in an HttpOnly cookie, set once through `/kiosk/setup?token=…`). A customer
/// identifies with a customer number or card, or a phone number and a code sent by SMS, and
/// then takes a number for a desk, sees their account, or makes a request. It shows nothing
/// but the identified customer's own things, and forgets them after the idle time.
struct KioskPages: Sendable {
    let app: UseCases
    let pages: Pages
    let cookies: CookiePolicy

    var deviceCookie: String { cookies.secure ? "__Host-tp_kiosk" : "tp_kiosk" }
    var customerCookie: String { cookies.secure ? "__Host-tp_kiosk_customer" : "tp_kiosk_customer" }
    var languageCookie: String { cookies.secure ? "__Host-tp_kiosk_lang" : "tp_kiosk_lang" }

    func addRoutes(to router: Router<TouchpointContext>, maxBodyBytes: Int) {
        let area = PageArea(
            cookie: deviceCookie, home: "/kiosk",
            isPublic: { $0 == "/kiosk/setup" },
            signIn: { _ in "/kiosk/setup" },
            authenticate: { [app] token, _, context in
                guard let kiosk = try await app.kiosks.kiosk(token: token) else { return nil }
                context.kiosk = kiosk
                return Self.formToken(device: token)
            })
        let group = router.group("kiosk").add(middleware: PageMiddleware(area: area, pages: pages, maxBodyBytes: maxBodyBytes))
        group.get("setup") { request, _ in try await setup(request) }
        group.get("") { request, context in try await home(request, context) }
        group.post("language") { request, context in
            let chosen = context.form?.text("lang") ?? "en"
            var response = Pages.redirect("/kiosk")
            if try kiosk(context).languages.contains(chosen) { response.setCookie(cookies.cookie(languageCookie, chosen, maxAge: 3600)) }
            return response
        }
        group.get("number") { request, context in try render(request, context, keypad: Keypad(action: "/kiosk/number", field: "number", label: "typeNumber", letters: true)) }
        group.post("number") { request, context in
            let kiosk = try kiosk(context)
            do {
                let (token, _) = try await app.kiosks.kioskIdentify(kiosk, customerNumber: context.form?.text("number") ?? "")
                return signedIn(token)
            } catch let refusal as KioskRefusal {
                return try render(request, context, keypad: Keypad(action: "/kiosk/number", field: "number", label: "typeNumber", letters: true, error: message(refusal)))
            } catch is ValidationError {
                return try render(request, context, keypad: Keypad(action: "/kiosk/number", field: "number", label: "typeNumber", letters: true, error: "notRecognized"))
            }
        }
        group.get("phone") { request, context in try render(request, context, keypad: Keypad(action: "/kiosk/phone", field: "phone", label: "typePhone")) }
        group.post("phone") { request, context in
            let phone = context.form?.text("phone") ?? ""
            do {
                let kiosk = try kiosk(context)
                try await app.kiosks.kioskSendCode(kiosk, phone: phone, language: Language(rawValue: language(request, kiosk)))
            } catch is ValidationError {
                return try render(request, context, keypad: Keypad(action: "/kiosk/phone", field: "phone", label: "typePhone", error: "notRecognized"))
            } catch let refusal as KioskRefusal {
                return try render(request, context, keypad: Keypad(action: "/kiosk/phone", field: "phone", label: "typePhone", error: message(refusal)))
            }
            return try render(request, context, keypad: Keypad(action: "/kiosk/code", field: "code", label: "typeCode", phone: phone, notice: "codeSent"))
        }
        group.post("code") { request, context in
            let phone = context.form?.text("phone") ?? ""
            do {
                let (token, _) = try await app.kiosks.kioskVerifyCode(try kiosk(context), phone: phone, code: context.form?.text("code") ?? "")
                return signedIn(token)
            } catch let refusal as KioskRefusal {
                return try render(request, context, keypad: Keypad(action: "/kiosk/code", field: "code", label: "typeCode", phone: phone, error: message(refusal)))
            }
        }
        addHelpRoutes(to: group)
        group.get("queue") { request, context in try await queueScreen(request, context) }
        group.post("queue") { request, context in try await takeNumber(request, context) }
        group.post("check-in") { request, context in try await checkIn(request, context) }
        group.post("survey") { request, context in try await answerSurvey(request, context) }
        group.get("account") { request, context in try await accountScreen(request, context) }
        group.get("request") { request, context in try await requestScreen(request, context) }
        group.post("request") { request, context in try await sendRequest(request, context) }
        group.post("done") { _, context in
            try await app.kiosks.endKioskSessions(try kiosk(context))
            var response = Pages.redirect("/kiosk")
            response.setCookie(cookies.cookie(customerCookie, "", maxAge: 0))
            response.setCookie(cookies.cookie(languageCookie, "", maxAge: 0))
            return response
        }
    }

    // MARK: Screens

    struct Keypad {
        var action: String
        var field: String
        var label: String
        var letters = false
        var phone: String?
        var error: String?
        var notice: String?
    }

    struct KioskView {
        var t: [String: String]
        /// The language the screen speaks, for `<html lang>` (screen readers, hyphenation).
        var lang: String
        var language: Language { Language(rawValue: lang) ?? .en }
        var kioskName: String
        var idle: Int
        var csrf: String
        var signedIn: Bool
        var screen: String
        var languages: [Choice]
        var welcome: Bool
        var keypad: KeypadView?
        var menu: MenuView?
        var chooseCategory = false
        var categories: [Choice] = []
        var ticket: TicketView?
        var account: AccountView?
        var chooseTopic = false
        var topics: [Choice] = []
        var sent: SentView?
        var canQueue: Bool
        /// Whether the identified customer's model lets them open a request here.
        var canRequest = true
        var notice: String?
        var help: HelpView?
        var articleVersion: String?
    }

    struct Choice {
        var value: String
        var label: String
        var detail: String?
    }

    struct KeypadView {
        var action: String
        var field: String
        var label: String
        var keys: [String]
        var phone: String?
        var error: String?
        var notice: String?
    }

    struct MenuView {
        var name: String
        /// Today's appointments here, each with its check-in button or when check-in opens.
        var appointments: [AppointmentChoice]
        var hasAppointments: Bool
        /// The satisfaction question about a request made here or at a desk, until answered.
        var survey: KioskSurvey?
        /// The thanks for an answer just given.
        var thanks: String?
    }

    /// A survey on the kiosk: one big button per answer (a comment is for the link or the
    /// portal: nobody types a paragraph on a public screen).
    struct KioskSurvey {
        var question: String
        var reference: String?
        var low: String
        var high: String
        var scores: [Int]
    }

    struct AppointmentChoice {
        var id: String
        var title: String
        var canCheckIn: Bool
        var note: String?
    }

    struct TicketView {
        var label: String
        var category: String
        var wait: String
        var appointment: String?
    }

    struct AccountView {
        var billing: String?
        var appointments: [Line]
        var visits: [Line]
        var cases: [Line]
        var tickets: [Line]
        var promises: [Line]
    }

    struct Line {
        var title: String
        var detail: String
    }

    struct SentView {
        var ref: String
        /// The request went on the customer's open case (one need, one case).
        var continued: Bool
    }

    /// Forms of a device carry a token derived from its own secret (its CSRF token).
    static func formToken(device token: String) -> String {
        SHA256.hash(data: Data(("kiosk-form|" + token).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func kiosk(_ context: TouchpointContext) throws -> Kiosk {
        guard let kiosk = context.kiosk else { throw Problem(.unauthorized, "This screen is not a registered kiosk.") }
        return kiosk
    }

    /// The identified customer, when the customer cookie holds a live session of this kiosk.
    func customer(_ request: Request, _ context: TouchpointContext) async throws -> KioskSession? {
        guard let token = request.cookies[customerCookie]?.value, !token.isEmpty else { return nil }
        return try await app.kiosks.kioskSession(token: token, kiosk: try kiosk(context))
    }

    func language(_ request: Request, _ kiosk: Kiosk) -> String {
        request.cookies[languageCookie].map(\.value).flatMap { kiosk.languages.contains($0) ? $0 : nil } ?? kiosk.languages.first ?? "en"
    }

    func view(_ request: Request, _ context: TouchpointContext, screen: String, signedIn: Bool) throws -> KioskView {
        let kiosk = try kiosk(context)
        let csrf = Self.formToken(device: request.cookies[deviceCookie]?.value ?? "")
        let spoken = language(request, kiosk)
        return KioskView(t: KioskText.strings(spoken), lang: KioskText.languages[spoken] == nil ? "en" : spoken, kioskName: kiosk.name, idle: kiosk.idleSeconds, csrf: csrf, signedIn: signedIn,
                         screen: screen, languages: kiosk.languages.count > 1 ? kiosk.languages.map { Choice(value: $0, label: KioskText.languages[$0] ?? $0) } : [],
                         welcome: false, canQueue: kiosk.locationID != nil)
    }

    func show(_ view: KioskView) -> Response {
        var response = pages.render("kiosk", view)
        // A kiosk page is never kept: the next customer must not find the last one's in the cache.
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func signedIn(_ token: String) -> Response {
        var response = Pages.redirect("/kiosk")
        response.setCookie(cookies.cookie(customerCookie, token, maxAge: Int(Kiosks.sessionLength)))
        return response
    }

    func message(_ refusal: KioskRefusal) -> String {
        switch refusal {
        case .notRecognized: "notRecognized"
        case .codeWrongOrExpired: "codeWrong"
        case .tooManyAttempts: "tooMany"
        }
    }

    func setup(_ request: Request) async throws -> Response {
        let token = HTMLForm(urlEncoded: request.uri.query ?? "")["token"] ?? ""
        guard !token.isEmpty, try await app.kiosks.kiosk(token: token) != nil else {
            throw Problem(.unauthorized, "This screen is not a registered kiosk. Open the setup link printed when the kiosk was registered.")
        }
        // The token leaves the address bar at once; from now on the device cookie carries it.
        var response = Pages.redirect("/kiosk")
        response.setCookie(cookies.cookie(deviceCookie, token, maxAge: 365 * 24 * 3600))
        return response
    }

    func home(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        guard let session = try await customer(request, context) else {
            var page = try view(request, context, screen: "welcome", signedIn: false)
            page.welcome = true
            return show(page)
        }
        return try await menu(request, context, session: session, notice: nil)
    }

    func menu(_ request: Request, _ context: TouchpointContext, session: KioskSession, notice: String?, thanks: Bool = false) async throws -> Response {
        let kiosk = try kiosk(context)
        let contact = try await app.contacts.contact(session.contactID, brand: kiosk.brandID)
        var page = try view(request, context, screen: "menu", signedIn: true)
        page.notice = notice.map { page.t[$0] ?? $0 }
        var choices: [AppointmentChoice] = []
        if let locationID = kiosk.locationID {
            let location = try await app.walkIn.location(locationID, brand: kiosk.brandID)
            let now = app.environment.now()
            let today = location.bounds(of: CivilDate(now, timeZone: location.zone))
            // Those that can be checked in now, and today's later ones (with when check-in opens).
            for appointment in try await app.deskAppointments.deskAppointments(contact: contact.id, brand: kiosk.brandID,
                                                                from: now.addingTimeInterval(-TimeInterval(DeskBooking.checkInLateMinutes * 60)))
            where appointment.locationID == locationID && appointment.state == .booked {
                let category = location.setup.category(appointment.category)?.name(in: page.language) ?? appointment.category
                var refusal: DeskBookingRefusal?
                do { _ = try DeskBooking.checkIn(appointment, at: now) } catch { refusal = error }
                if case .tooLate = refusal { continue }
                if refusal != nil && appointment.start >= today.end { continue }
                var note: String?
                if case .tooEarly(let opens) = refusal { note = "\(page.t["checkInOpens"] ?? "") \(location.localTime(opens).suffix(5))" }
                choices.append(AppointmentChoice(id: appointment.id.text, title: "\(location.localTime(appointment.start).suffix(5)) · \(category)",
                                                 canCheckIn: refusal == nil, note: note))
            }
        }
        let words = CustomerMessages(Language(rawValue: language(request, kiosk)) ?? .en)
        let survey = try await app.surveys.waiting(contact: contact.id, brand: kiosk.brandID, on: .kiosk).map { prompt in
            let asked = words.surveyPage(prompt.kind)
            return KioskSurvey(question: asked.question, reference: prompt.caseReference, low: asked.low, high: asked.high, scores: Array(prompt.kind.scores))
        }
        // What the customer's model sends elsewhere (self-service, or staff's approval) is not on the menu.
        let policy = try await app.serviceSettings.policy(of: contact, brand: kiosk.brandID)
        page.canQueue = page.canQueue && policy.servesOnRequest(.inPerson)
        page.canRequest = policy.servesOnRequest(.kiosk)
        page.menu = MenuView(name: contact.name?.split(separator: " ").first.map(String.init) ?? "", appointments: choices, hasAppointments: !choices.isEmpty,
                             survey: survey, thanks: thanks ? words.surveyPage(.csat).thanks : nil)
        return show(page)
    }

    /// The identified customer answers the survey on the menu.
    func answerSurvey(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let kiosk = try kiosk(context)
        guard let session = try await customer(request, context) else { return Pages.redirect("/kiosk") }
        guard let prompt = try await app.surveys.waiting(contact: session.contactID, brand: kiosk.brandID, on: .kiosk),
              let score = context.form?.text("score").flatMap({ Int($0) }), prompt.kind.scores.contains(score) else {
            // Answered or expired meanwhile, or a score the buttons never send: said, not ignored.
            return try await menu(request, context, session: session, notice: "notRecognized")
        }
        _ = try await app.surveys.answer(prompt, brand: kiosk.brandID, score: score, comment: nil, on: .kiosk)
        return try await menu(request, context, session: session, notice: nil, thanks: true)
    }

    /// The customer checks in for today's appointment here: a ticket called at its time.
    func checkIn(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let kiosk = try kiosk(context)
        guard let session = try await customer(request, context) else { return Pages.redirect("/kiosk") }
        // Only this customer's appointment at this kiosk's location; anything else is unknown.
        var appointment: DeskAppointment?
        if let id = context.form?.text("appointment").flatMap(UUID.init(text:)) {
            do {
                appointment = try await app.deskAppointments.deskAppointment(id, brand: kiosk.brandID)
            } catch StoreError.notFound {
                appointment = nil
            }
        }
        guard let appointment, appointment.contactID == session.contactID, appointment.locationID == kiosk.locationID else {
            return try await menu(request, context, session: session, notice: "notRecognized")
        }
        let checkedIn: (DeskAppointment, Ticket)
        do {
            checkedIn = try await app.deskAppointments.checkInDeskAppointment(appointment.id, brand: kiosk.brandID, actor: .contact(session.contactID), source: "kiosk")
        } catch StoreError.conflict {
            return try await menu(request, context, session: session, notice: "checkInClosed")
        }
        let location = try await app.walkIn.location(appointment.locationID, brand: kiosk.brandID)
        var page = try view(request, context, screen: "ticket", signedIn: true)
        let ticket = checkedIn.1
        page.ticket = TicketView(label: ticket.label, category: location.setup.category(ticket.category)?.name(in: page.language) ?? ticket.category,
                                 wait: page.t["calledAtTime"] ?? "", appointment: "\(page.t["yourAppointment"] ?? "") \(location.localTime(appointment.start).suffix(5))")
        return show(page)
    }

    func render(_ request: Request, _ context: TouchpointContext, keypad: Keypad) throws -> Response {
        var page = try view(request, context, screen: "keypad", signedIn: false)
        let digits = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]
        page.keypad = KeypadView(action: keypad.action, field: keypad.field, label: page.t[keypad.label] ?? keypad.label,
                                 keys: keypad.letters ? digits + ["C", "-"] : keypad.field == "phone" ? digits + ["+"] : digits,
                                 phone: keypad.phone, error: keypad.error.map { page.t[$0] ?? $0 }, notice: keypad.notice.map { page.t[$0] ?? $0 })
        return show(page)
    }

    func queueScreen(_ request: Request, _ context: TouchpointContext, notice: String? = nil) async throws -> Response {
        let kiosk = try kiosk(context)
        guard let locationID = kiosk.locationID else { throw Problem(.notFound, "this kiosk has no walk-in queue") }
        let state = try await app.walkIn.queueState(location: locationID, brand: kiosk.brandID)
        var page = try view(request, context, screen: "queue", signedIn: try await customer(request, context) != nil)
        page.chooseCategory = true
        page.notice = notice.map { page.t[$0] ?? $0 }
        page.categories = state.location.setup.categories.map { category in
            let wait = state.waits.first { $0.category == category.code }
            return Choice(value: category.code, label: category.name(in: page.language),
                          detail: wait?.minutes.map { "\(page.t["waitAbout"] ?? ""): \($0) \(page.t["minutes"] ?? "")" } ?? page.t["noDeskOpen"])
        }
        return show(page)
    }

    func takeNumber(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let kiosk = try kiosk(context)
        guard let locationID = kiosk.locationID else { throw Problem(.notFound, "this kiosk has no walk-in queue") }
        let session = try await customer(request, context)
        if let session, let refused = try await offeredHere(.inPerson, request, context, session: session) { return refused }
        // A newcomer's wait just before this number is taken is this number's wait.
        let before = try await app.walkIn.queueState(location: locationID, brand: kiosk.brandID)
        let category = context.form?.text("category") ?? ""
        // No number for a matter no open desk serves: nobody would call it. The customer sees
        // the choices again, with the reason (staff can still give one at a desk or by the API).
        if let wait = before.waits.first(where: { $0.category == category }), wait.desks == 0 {
            return try await queueScreen(request, context, notice: "noDeskNoNumber")
        }
        let ticket = try await app.walkIn.takeTicket(location: locationID, brand: kiosk.brandID, category: category,
                                                contact: session?.contactID, identity: nil, caseID: nil, source: "kiosk",
                                                actor: session.map { .contact($0.contactID) } ?? .system)
        var page = try view(request, context, screen: "ticket", signedIn: session != nil)
        let wait = before.waits.first { $0.category == ticket.category }?.minutes
        page.ticket = TicketView(label: ticket.label, category: before.location.setup.category(ticket.category)?.name(in: page.language) ?? ticket.category,
                                 wait: wait.map { "\(page.t["waitAbout"] ?? ""): \($0) \(page.t["minutes"] ?? "")" } ?? (page.t["noDeskOpen"] ?? ""))
        return show(page)
    }

    func accountScreen(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let kiosk = try kiosk(context)
        guard let session = try await customer(request, context) else { return Pages.redirect("/kiosk") }
        let brand = kiosk.brandID
        let summary = try await app.customers.summary(of: session.contactID, brand: brand)
        let contact = summary.contact
        let brandInfo = try await app.staff.brand(brand)
        let prefix = brandInfo.casePrefix
        var tickets: [Ticket] = []
        if let locationID = kiosk.locationID {
            tickets = try await app.walkIn.queueState(location: locationID, brand: brand).tickets.filter { $0.contactID == contact.id }
        }
        var page = try view(request, context, screen: "account", signedIn: true)
        let location = try await kiosk.locationID.asyncMap { try await app.walkIn.location($0, brand: brand) }
        let appointments = summary.deskAppointments
        var places: [UUID: Location] = location.map { [$0.id: $0] } ?? [:]
        for appointment in appointments where places[appointment.locationID] == nil {
            places[appointment.locationID] = try await app.walkIn.location(appointment.locationID, brand: brand)
        }
        let language = language(request, kiosk)
        let words = CustomerMessages(Language(rawValue: language) ?? .en)
        // Times as the clock on the wall shows them where the kiosk stands, in the screen's language.
        let reader = ReaderTime(zone: location?.zone ?? brandInfo.zone, language: words.language)
        func local(_ date: Date) -> String { reader.when(date) }
        page.account = AccountView(
            billing: summary.billing.flatMap { $0.invoiceCount == 0 ? nil : KioskText.billing($0, language: language) },
            appointments: appointments.map { appointment in
                let place = places[appointment.locationID]
                return Line(title: place.map { ReaderTime(zone: $0.zone, language: words.language).when(appointment.start) } ?? local(appointment.start),
                            detail: "\(place?.setup.category(appointment.category)?.name(in: words.language) ?? appointment.category), \(place?.name ?? "")")
            },
            visits: summary.visits.map { Line(title: local($0.start), detail: $0.address ?? "") },
            cases: summary.openCases.map {
                Line(title: "\(prefix)-\($0.number) \($0.subject)", detail: words.caseStatus($0.status))
            },
            tickets: tickets.map { Line(title: $0.label, detail: words.ticketState($0.state)) },
            promises: summary.promises.map { Line(title: $0.what, detail: local($0.dueAt)) })
        return show(page)
    }

    /// Refuses, with the menu and a notice, what the identified customer's model does not serve here.
    func offeredHere(_ point: ContactPoint, _ request: Request, _ context: TouchpointContext, session: KioskSession) async throws -> Response? {
        let kiosk = try kiosk(context)
        let contact = try await app.contacts.contact(session.contactID, brand: kiosk.brandID)
        guard try await app.serviceSettings.policy(of: contact, brand: kiosk.brandID).servesOnRequest(point) else {
            return try await menu(request, context, session: session, notice: "notOffered")
        }
        return nil
    }

    func requestScreen(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let kiosk = try kiosk(context)
        guard let session = try await customer(request, context) else { return Pages.redirect("/kiosk") }
        if let refused = try await offeredHere(.kiosk, request, context, session: session) { return refused }
        var page = try view(request, context, screen: "request", signedIn: true)
        let topics = try await app.serviceSettings.serviceConfig(brand: kiosk.brandID).topics
        page.chooseTopic = true
        page.topics = topics.map { Choice(value: $0.name, label: $0.label(in: page.language)) }
        return show(page)
    }

    func sendRequest(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let kiosk = try kiosk(context)
        guard let session = try await customer(request, context) else { return Pages.redirect("/kiosk") }
        if let refused = try await offeredHere(.kiosk, request, context, session: session) { return refused }
        let contact = try await app.contacts.contact(session.contactID, brand: kiosk.brandID)
        guard let identity = contact.identities.first(where: { $0.kind == .customerNumber }) ?? contact.identities.first else {
            throw Problem(.conflict, "the customer has no identity")
        }
        let topic = context.form?.text("topic")
        let words = context.form?.text("text")
        let subject = "Kiosk request" + (topic.map { ": \($0)" } ?? "")
        let opened = try await app.cases.openCase(brand: kiosk.brandID, actor: .contact(contact.id),
                                              request: OpenCase(contactPoint: .kiosk, from: identity, subject: subject,
                                                                body: words ?? "Made at the kiosk \(kiosk.name).", topic: topic))
        var page = try view(request, context, screen: "sent", signedIn: true)
        page.sent = SentView(ref: "\(try await app.staff.brand(kiosk.brandID).casePrefix)-\(opened.case.number)", continued: opened.continued)
        return show(page)
    }
}
