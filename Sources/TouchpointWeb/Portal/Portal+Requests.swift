import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The signed-in customer's pages: their requests, one request's conversation, their profile.
extension Portal {
    struct HomeView {
        var frame: Frame
        var notice: String?
        var requests: [RequestLine]
        /// The same billing facts staff, the kiosk and the API give.
        var billing: String?
        /// The same visits and appointments the agent's case page shows.
        var comingUp: [ComingUpLine]
        var anyComingUp: Bool
        var promises: [Console.CommitmentLine]
        var anyPromises: Bool
        var empty: Bool
        /// A request whose survey waits: "How did we do on C-12?" links to it.
        var rate: RequestLine?
        /// When a person will answer a new request here.
        var wait: String
    }

    struct RequestLine {
        var href: String
        var ref: String
        var subject: String
        var status: String
        var openedOn: String
        var updated: TimeText
    }

    func home(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let session = try customer(context)
        let cases = try await app.customerPortal.portalCases(contactID: session.contact.id, brand: brand.id)
        let language = try await language(request, brand, session)
        let (say, words, reader) = (CustomerMessages(language), PortalWords(language), brand.reader(language))
        let lines = cases.map {
            RequestLine(href: "/portal/\(brand.slug)/cases/\($0.number)", ref: "\(brand.casePrefix)-\($0.number)", subject: $0.subject,
                        status: say.caseStatus($0.status), openedOn: words.point($0.contactPoint), updated: TimeText($0.updatedAt, reader))
        }
        let done = HTMLForm(urlEncoded: request.uri.query ?? "")["done"]
        let summary = try await app.customers.summary(of: session.contact.id, brand: brand.id)
        let comingUp = try await ComingUpLine.lines(summary, app: app, brand: brand, language: language)
        let now = app.environment.now()
        let promises = summary.promises.map { Console.CommitmentLine(what: $0.what, due: TimeText($0.dueAt, reader), status: $0.status.rawValue, overdue: $0.dueAt < now) }
        let waiting = try await app.surveys.waiting(contact: session.contact.id, brand: brand.id, on: .portal)
        let wait = try await app.routing.waitEstimate(brand: brand.id, contactPoint: .portal, teamID: nil, topic: nil, account: session.contact.accountID).estimate
        return pages.render("portal-home", HomeView(frame: frame(words.yourRequests, brand, session, speaking: language, request: request),
                                                    notice: done == "profile" ? words.profileSaved : nil, requests: lines,
                                                    billing: summary.billing.flatMap { $0.invoiceCount == 0 ? nil : KioskText.billing($0, language: language.rawValue) },
                                                    comingUp: comingUp, anyComingUp: !comingUp.isEmpty, promises: promises, anyPromises: !promises.isEmpty,
                                                    empty: lines.isEmpty, rate: lines.first { $0.ref == waiting?.caseReference },
                                                    wait: say.waitForPerson(wait)))
    }

    func newRequest(_ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let session = try customer(context)
        let form = context.form ?? HTMLForm(urlEncoded: "")
        guard let subject = form.text("subject") else { throw ValidationError(field: "subject", reason: "say in a few words what it is about") }
        guard let body = form.text("body") else { throw ValidationError(field: "body", reason: "describe what you need") }
        // The request is the customer's own: it is opened under their email identity.
        guard let identity = session.contact.identities.first(where: { $0.kind == .email }) ?? session.contact.identities.first else {
            throw Problem(.conflict, "Your profile has no address we could answer to.")
        }
        let opened = try await app.cases.openCase(brand: brand.id, actor: .contact(session.contact.id), request: OpenCase(
            contactPoint: .portal, from: identity, name: session.contact.name, subject: subject, body: body))
        return Pages.redirect("/portal/\(brand.slug)/cases/\(opened.case.number)?done=opened")
    }

    struct CaseView {
        var frame: Frame
        var notice: String?
        var ref: String
        var number: Int
        var subject: String
        var status: String
        var open: Bool
        var messages: [MessageLine]
        /// The satisfaction question asked when the request was resolved, until answered.
        var survey: SurveyForm?
    }

    /// A survey on the portal: the question, its scale and a comment.
    struct SurveyForm {
        var words: SurveyPageWords
        var choices: [Int]
        var action: String
    }

    struct MessageLine {
        var mine: Bool
        var author: String
        var point: String
        var time: TimeText
        var text: String
    }

    func casePage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let session = try customer(context)
        guard let number = context.parameters.get("number").flatMap({ Int($0) }) else { throw Problem(.notFound, "request not found") }
        let (item, interactions) = try await app.customerPortal.portalCase(number: number, contactID: session.contact.id, brand: brand.id)
        let language = try await language(request, brand, session)
        let (say, words) = (CustomerMessages(language), PortalWords(language))
        let messages = interactions.map { interaction in
            MessageLine(mine: interaction.direction == .inbound, author: interaction.direction == .inbound ? words.you : brand.name,
                        point: words.point(interaction.contactPoint), time: TimeText(interaction.occurredAt, brand.reader(language)),
                        text: interaction.direction == .inbound ? (interaction.metadata["fresh"] ?? interaction.text) : interaction.text)
        }
        let done = HTMLForm(urlEncoded: request.uri.query ?? "")["done"]
        let ref = "\(brand.casePrefix)-\(item.number)"
        let notice = switch done {
        case "reply": words.messageAdded
        case "opened": words.requestReceived
        case "survey": say.surveyPage(.csat).thanks
        default: String?.none
        }
        let waiting = try await app.surveys.waiting(contact: session.contact.id, brand: brand.id, on: .portal)
        return pages.render("portal-case", CaseView(
            frame: frame("\(ref) \(item.subject)", brand, session, speaking: language, request: request), notice: notice,
            ref: ref, number: item.number, subject: item.subject, status: say.caseStatus(item.status),
            open: item.status != .closed && item.mergedInto == nil, messages: messages,
            survey: waiting.flatMap { prompt in
                prompt.caseReference == ref
                    ? SurveyForm(words: say.surveyPage(prompt.kind), choices: Array(prompt.kind.scores),
                                 action: "/portal/\(brand.slug)/cases/\(item.number)/survey")
                    : nil
            }))
    }

    /// The customer answers the survey shown on their request's page.
    func answerSurvey(_ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let session = try customer(context)
        guard let number = context.parameters.get("number").flatMap({ Int($0) }) else { throw Problem(.notFound, "request not found") }
        guard let prompt = try await app.surveys.waiting(contact: session.contact.id, brand: brand.id, on: .portal),
              prompt.caseReference == "\(brand.casePrefix)-\(number)" else {
            throw Problem(.conflict, "This survey was answered already or has expired.")
        }
        guard let score = context.form?.text("score").flatMap({ Int($0) }), prompt.kind.scores.contains(score) else {
            throw ValidationError(field: "score", reason: "choose an answer from \(prompt.kind.scores.lowerBound) to \(prompt.kind.scores.upperBound)")
        }
        _ = try await app.surveys.answer(prompt, brand: brand.id, score: score, comment: context.form?.text("comment"), on: .portal)
        return Pages.redirect("/portal/\(brand.slug)/cases/\(number)?done=survey")
    }

    func reply(_ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let session = try customer(context)
        guard let number = context.parameters.get("number").flatMap({ Int($0) }) else { throw Problem(.notFound, "request not found") }
        guard let body = context.form?.text("body") else { throw ValidationError(field: "body", reason: "write your message first") }
        let (item, _) = try await app.customerPortal.portalCase(number: number, contactID: session.contact.id, brand: brand.id)
        _ = try await app.cases.addInteraction(caseID: item.id, brand: brand.id, actor: .contact(session.contact.id),
                                           request: NewInteraction(direction: .inbound, contactPoint: .portal, body: body))
        return Pages.redirect("/portal/\(brand.slug)/cases/\(number)?done=reply")
    }

    // MARK: Profile

    struct ProfileView {
        var frame: Frame
        var name: String
        var points: [Console.Option]
        var identities: [String]
        var hasPassword: Bool
    }

    func profile(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let session = try customer(context)
        let contact = session.contact
        let credentials = try await app.customerPortal.portalCredentials(brand: brand.id, email: contact.identities.first { $0.kind == .email }?.value ?? "")
        // Only the contact points the customer's model offers (and one chosen before) are offered here.
        let offered = try await app.serviceSettings.policy(of: contact, brand: brand.id).offeredContactPoints
        let reachable = ContactPoint.allCases.filter { point in
            (point == .portal || contact.identities.contains { $0.kind == point.identityKind })
                && (offered.contains(point) || point == contact.preferredContactPoint)
        }
        let language = try await language(request, brand, session)
        let words = PortalWords(language)
        return pages.render("portal-profile", ProfileView(
            frame: frame(words.yourProfile, brand, session, speaking: language, request: request), name: contact.name ?? "",
            points: [Console.Option(value: "", label: words.noPreference, selected: contact.preferredContactPoint == nil)]
                + reachable.filter(\.canReply).map { Console.Option(value: $0.rawValue, label: words.point($0), selected: $0 == contact.preferredContactPoint) },
            identities: contact.identities.filter { $0.kind != .chatVisitor }.map { "\(words.identity($0.kind)): \($0.value)" },
            hasPassword: credentials?.passwordHash != nil))
    }

    func saveProfile(_ context: TouchpointContext) async throws -> Response {
        let brand = try await brand(context)
        let session = try customer(context)
        let form = context.form ?? HTMLForm(urlEncoded: "")
        var changes = ContactChanges(name: .some(form.text("name")))
        if let raw = form["preferred"] {
            guard raw.isEmpty || ContactPoint(rawValue: raw) != nil else { throw ValidationError(field: "preferred", reason: "unknown contact point") }
            changes.preferredContactPoint = .some(ContactPoint(rawValue: raw))
        }
        _ = try await app.contacts.updateContact(session.contact.id, brand: brand.id, actor: .contact(session.contact.id), changes: changes)
        if form["removePassword"] == "1" {
            try await app.customerPortal.setPortalPassword(nil, contactID: session.contact.id, brand: brand.id)
            return Pages.redirect("/portal/\(brand.slug)/login")
        }
        if let password = form["password"], !password.isEmpty {
            try await app.customerPortal.setPortalPassword(try await Passwords.hash(try Passwords.validate(password)), contactID: session.contact.id, brand: brand.id)
            // Setting a password ends every session, this one too: sign in with it.
            return Pages.redirect("/portal/\(brand.slug)/login")
        }
        return Pages.redirect("/portal/\(brand.slug)?done=profile")
    }
}
