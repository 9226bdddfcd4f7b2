import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Contact and account pages: who the customer is, their model and why, promises, cases,
/// and the whole history.
extension Console {
    func addCustomerRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("contacts/{id}") { request, context in try await contactPage(request, context) }
        group.get("accounts/{id}") { request, context in try await accountPage(request, context) }
        group.post("contacts/{id}/contact") { _, context in try await recordContact(context) }
        group.post("contacts/{id}/merge") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.mergeContacts) else { throw Problem(.forbidden, "your role may not merge customers") }
            let survivor = try uuid(context)
            let duplicate = try (context.form?.text("duplicate")).flatMap(UUID.init(text:)).orInvalid(field: "duplicate", "choose the customer to merge")
            _ = try await app.contacts.mergeContacts(survivor: survivor, duplicate: duplicate, brand: session.user.brandID,
                                                     actor: .staff(session.user.id), reason: context.form?.text("reason"))
            return Pages.redirect("/console/contacts/\(survivor.text)?merged=1")
        }
    }

    /// Another contact that may be this same person, with why and a one-click merge.
    struct DuplicateLine {
        var href: String
        var name: String
        var why: String
        var reachable: String
        var id: String
    }

    /// The "Log a call or write" form of a customer's page.
    struct ContactForm {
        var action: String
        var kinds: [Option]
        var cases: [Option]
        var priorities: [Option]
    }

    struct CustomerView {
        var chrome: Chrome
        var kind: String
        var name: String
        var title: String?
        var accountHref: String?
        var accountName: String?
        var facts: [Fact]
        var model: String?
        var why: String?
        var policy: [Fact]
        var identities: [String]
        var contacts: [PersonLine]
        var commitments: [CommitmentLine]
        /// The account's billing facts, in the words every contact point uses.
        var billing: String?
        var invoices: [InvoiceLine]
        var cases: [Console.CaseRow]
        var timeline: [TimelineLine]
        var older: String?
        /// The account's computed health and churn risk, with why (accounts only).
        var health: HealthPanel?
        /// Log a call or write to the customer (contacts only).
        var contactForm: ContactForm?
        /// Contacts that may be this same person (contacts only).
        var duplicates: [DuplicateLine] = []
        var anyDuplicates = false
        var mayMerge = false
        var mergeAction: String?
        var merged = false
    }

    struct HealthPanel {
        var score: Int
        var risk: String
        var highRisk: Bool
        var trend: String
        var reasons: [String]
        var components: [HealthLine]
        var missing: String?

        init(_ view: AccountHealthView, _ say: Language) {
            score = view.report.score
            risk = switch view.churn.risk {
            case .low: say.say("Low churn risk", "Niskie ryzyko odejścia")
            case .medium: say.say("Medium churn risk", "Średnie ryzyko odejścia")
            case .high: say.say("High churn risk", "Wysokie ryzyko odejścia")
            }
            highRisk = view.churn.risk == .high
            let change = view.trend.change
            let since = view.trend.since.map { ReaderTime.date($0, say) } ?? ""
            trend = switch view.trend.direction {
            case _ where view.trend.since == nil: say.say("First computed today", "Obliczone pierwszy raz dziś")
            case .rising: say.say("Up \(change) points since \(since)", "Wzrost o \(change) pkt od \(since)")
            case .falling: say.say("Down \(-change) points since \(since)", "Spadek o \(-change) pkt od \(since)")
            case .steady: say.say("Steady since \(since)", "Bez zmian od \(since)")
            }
            reasons = view.churn.reasons(say)
            components = view.report.components.map {
                HealthLine(label: $0.signal.label(say), explanation: $0.finding.words(say),
                           points: String(format: say.say("%.1f of %d", "%.1f z %d"), $0.contribution, $0.weight))
            }
            missing = view.report.missing.isEmpty ? nil : say.say("No data yet: ", "Brak danych: ") + view.report.missing.map { $0.label(say) }.joined(separator: ", ")
        }
    }

    struct HealthLine {
        var label: String
        var explanation: String
        var points: String
    }

    struct Fact {
        var label: String
        var value: String
    }

    struct InvoiceLine {
        var number: String
        var dueOn: String
        var amount: String
        var outstanding: String
        var status: String
        var overdue: Bool
    }

    struct PersonLine {
        var href: String
        var name: String
        var title: String?
        var model: String?
    }

    func uuid(_ context: TouchpointContext) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "not found") }
        return id
    }

    func contactPage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let contact = try await app.contacts.contact(try uuid(context), brand: brand)
        let cursor = try HTMLForm(urlEncoded: request.uri.query ?? "").text("before").map { try Cursor(token: $0) }
        async let account = contact.accountID.asyncMap { try await app.accounts.account($0, brand: brand) }
        async let model = contact.accountID.asyncMap { try await app.accountModels.accountModel($0, brand: brand) }
        async let timeline = app.timelines.contactTimeline(contact.id, brand: brand, limit: 100, cursor: cursor)
        async let cases = app.cases.cases(brand: brand, filter: CaseFilter(contactID: contact.id), limit: 50, cursor: nil)
        let say = context.language
        let name = contact.name ?? contact.identities.first?.value ?? say.say("unnamed contact", "kontakt bez nazwy")
        let override = try await model?.contactOverrides.first { $0.contactID == contact.id }
        var view = try await customerView(
            session: session, language: context.language, kind: say.say("Contact", "Kontakt"), name: name, promisesOf: contact.accountID, timeline: try await timeline, cases: try await cases.items,
            customers: [contact.id: name], olderBase: "/console/contacts/\(contact.id.text)")
        view.title = contact.title
        view.identities = contact.identities.map { "\($0.kind.words(say)): \($0.value)" }
        if let account = try await account {
            view.accountHref = "/console/accounts/\(account.id.text)"
            view.accountName = account.name
        }
        view.facts = [Fact(label: say.say("Prefers", "Woli"), value: contact.preferredContactPoint?.label(say) ?? say.say("no preference", "bez preferencji"))]
        view.duplicates = try await app.contacts.duplicates(of: contact.id, brand: brand).map { found in
            DuplicateLine(href: "/console/contacts/\(found.contact.id.text)", name: found.contact.name ?? found.contact.identities.first?.value ?? say.say("unnamed customer", "klient bez nazwy"),
                          why: found.reasons.joined(separator: "; "),
                          reachable: found.contact.identities.filter { $0.kind != .chatVisitor }.prefix(3).map(\.value).joined(separator: " · "),
                          id: found.contact.id.text)
        }
        view.anyDuplicates = !view.duplicates.isEmpty
        view.mayMerge = session.principal.may(.mergeContacts)
        view.mergeAction = "/console/contacts/\(contact.id.text)/merge"
        view.merged = HTMLForm(urlEncoded: request.uri.query ?? "").text("merged") != nil
        if session.principal.may(.handleCases) {
            let open = try await cases.items.filter { $0.status != .closed && $0.mergedInto == nil }
            let prefix = try await app.staff.brand(brand).casePrefix
            let writable = try await Self.deliverablePoints(for: contact, sending: app.integrations.sendingTextPoints(brand: brand))
            view.contactForm = ContactForm(
                action: "/console/contacts/\(contact.id.text)/contact",
                kinds: [Option(value: "call-in", label: say.say("Log a call from the customer", "Zapisz rozmowę od klienta"), selected: true),
                        Option(value: "call-out", label: say.say("Log a call we made", "Zapisz rozmowę wykonaną przez nas"), selected: false)]
                    + writable.map { Option(value: "write:\($0.rawValue)", label: say.say("Write on \($0.label)", "Napisz: \($0.label(say))"), selected: false) },
                cases: [Option(value: "", label: say.say("A new case", "Nowa sprawa"), selected: true)]
                    + open.map { Option(value: $0.id.text, label: "\(prefix)-\($0.number): \($0.subject)", selected: false) },
                priorities: Priority.allCases.map { Option(value: $0.rawValue, label: $0.words(say), selected: $0 == .normal) })
        }
        if let override {
            view.model = override.segmentation.model.words
            view.why = say.say("Own model for this person: ", "Własny model tej osoby: ") + override.segmentation.explanation(say)
        } else if let model = try await model {
            view.model = model.segmentation.model.words
            view.why = model.segmentation.explanation(say)
            view.policy = Self.policyFacts(model.policy, say)
        }
        return pages.render("customer", view)
    }

    func accountPage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let id = try uuid(context)
        let cursor = try HTMLForm(urlEncoded: request.uri.query ?? "").text("before").map { try Cursor(token: $0) }
        let model = try await app.accountModels.accountModel(id, brand: brand)
        async let contacts = app.contacts.contacts(brand: brand, accountID: id, identity: nil, query: nil, limit: 200, cursor: nil)
        async let timeline = app.timelines.accountTimeline(id, brand: brand, limit: 100, cursor: cursor)
        async let cases = app.cases.cases(brand: brand, filter: CaseFilter(accountID: id), limit: 50, cursor: nil)
        let say = context.language
        let people = try await contacts.items
        let names = Dictionary(people.map { ($0.id, $0.name ?? $0.identities.first?.value ?? say.say("contact", "kontakt")) }, uniquingKeysWith: { a, _ in a })
        let account = model.account
        var view = try await customerView(session: session, language: context.language, kind: say.say("Account", "Firma"), name: account.name, promisesOf: id, timeline: try await timeline,
                                          cases: try await cases.items, customers: names, olderBase: "/console/accounts/\(id.text)")
        let profile = account.profile
        let csm = try await profile.ownerCSM.asyncMap { csm in try await app.staff.staffUser(csm, brand: brand).name }
        view.facts = [
            Fact(label: say.say("Annual value", "Wartość roczna"), value: StaffWords.amount(profile.annualValue)),
            Fact(label: say.say("Average order", "Średnie zamówienie"), value: StaffWords.amount(profile.averageOrderValue)),
            Fact(label: say.say("Product complexity", "Złożoność produktu"), value: profile.complexity.words(say)),
            Fact(label: say.say("Journey stage", "Etap relacji"), value: profile.stage.words(say)),
            Fact(label: say.say("CSM", "Opiekun"), value: csm ?? say.say("none", "brak")),
        ] + (profile.renewalOn.map { [Fact(label: say.say("Renews on", "Odnowienie"), value: $0.description)] } ?? [])
            + profile.goals.map { Fact(label: say.say("Goal", "Cel"), value: $0) }
        view.health = HealthPanel(try await app.health.health(account: id, brand: brand), say)
        view.model = model.segmentation.model.words
        view.why = model.segmentation.explanation(say)
        view.policy = Self.policyFacts(model.policy, say)
        view.contacts = people.map { person in
            PersonLine(href: "/console/contacts/\(person.id.text)", name: names[person.id] ?? say.say("contact", "kontakt"), title: person.title,
                       model: model.contactOverrides.first { $0.contactID == person.id }?.segmentation.model.words)
        }
        return pages.render("customer", view)
    }

    /// What the model promises, in a few lines.
    static func policyFacts(_ policy: ServicePolicy, _ say: Language) -> [Fact] {
        [
            Fact(label: say.say("A person", "Człowiek"), value: policy.humanReach.words(say)),
            Fact(label: say.say("Contact points", "Punkty kontaktu"), value: policy.offeredContactPoints.map { $0.label(say) }.joined(separator: ", ")),
            Fact(label: say.say("Starts at level", "Zaczyna od poziomu"), value: "\(policy.entryLevel.rawValue)"),
            Fact(label: say.say("Escalates up to", "Eskalacja do"), value: policy.escalationCeiling.words(say)),
            Fact(label: say.say("Named CSM", "Imienny opiekun"), value: policy.namedCSM ? say.say("yes", "tak") : say.say("no", "nie")),
            Fact(label: say.say("First response (normal)", "Pierwsza odpowiedź (normalny)"), value: "\(policy.sla.normal.firstResponseMinutes) min"),
        ] + assistantFacts(policy.assistant, say)
    }

    /// What the assistant does for a model, its thresholds included.
    static func assistantFacts(_ bot: ChatbotPolicy, _ say: Language) -> [Fact] {
        let role = switch bot.mode {
        case .firstLine: say.say("answers first", "odpowiada pierwszy")
        case .suggests: say.say("suggests articles while a person answers", "podpowiada artykuły, gdy odpowiada człowiek")
        case .off: say.say("off", "wyłączony")
        }
        guard bot.mode != .off else { return [Fact(label: say.say("Assistant", "Asystent"), value: role)] }
        let person = switch bot.handOff {
        case .never: say.say("never a person", "nigdy człowiek")
        case .whenAsked: say.say("a person when the customer asks", "człowiek, gdy klient poprosi")
        case .whenAskedOrStuck: say.say("a person when asked, or after \(bot.failuresBeforeHandOff) answers that did not help",
                                        "człowiek na prośbę albo po \(bot.failuresBeforeHandOff) nieudanych odpowiedziach")
        }
        return [
            Fact(label: say.say("Assistant", "Asystent"), value: bot.mode == .firstLine ? "\(role); \(person)" : role),
            Fact(label: say.say("Assistant answers on", "Asystent odpowiada przez"), value: bot.contactPoints.map { $0.label(say) }.joined(separator: ", ")),
            Fact(label: say.say("Assistant confidence", "Pewność asystenta"),
                 value: String(format: say.say("answers from %.0f%%, offers a choice from %.0f%%", "odpowiada od %.0f%%, proponuje wybór od %.0f%%"),
                               bot.confidentAt * 100, bot.unsureAt * 100)),
        ]
    }

    /// The parts contact and account pages share: promises, cases and the history.
    func customerView(session: StaffSession, language: Language, kind: String, name: String, promisesOf accountID: AccountID?, timeline: Page<TimelineEntry>, cases: [Case],
                      customers: [ContactID: String], olderBase: String) async throws -> CustomerView {
        let brand = session.user.brandID
        let brandInfo = try await app.staff.brand(brand)
        let prefix = brandInfo.casePrefix
        let reader = brandInfo.reader(language)
        let staff = Dictionary(try await app.lookups.staffUsers(brand: brand).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let numbers = try await numbers(of: timeline.items, brand: brand)
        let promises = try await accountID.asyncMap { try await app.commitments.commitments(accountID: $0, brand: brand, includeSettled: false) } ?? []
        let invoices = try await accountID.asyncMap { try await app.billing.invoices(accountID: $0, brand: brand) } ?? []
        let now = app.environment.now()
        let today = CivilDate(now, timeZone: brandInfo.zone)
        return CustomerView(
            chrome: Chrome(title: name, session: session), kind: kind, name: name, title: nil, accountHref: nil, accountName: nil, facts: [],
            model: nil, why: nil, policy: [], identities: [], contacts: [],
            commitments: promises.map { CommitmentLine(what: $0.what, due: TimeText($0.dueAt, reader), status: $0.status.words(language), overdue: $0.dueAt < now) },
            billing: accountID.map { _ in BillingSummary(invoices: invoices, today: today).sentence },
            invoices: invoices.prefix(20).map { invoice in
                let status = invoice.status(on: today)
                return InvoiceLine(number: invoice.number, dueOn: invoice.dueOn.description, amount: "\(Money.format(invoice.amountMinor)) \(invoice.currency)",
                                   outstanding: Money.format(invoice.outstandingMinor), status: status.rawValue, overdue: status == .overdue)
            },
            cases: cases.map { item in
                CaseRow(href: "/console/cases/\(item.number)", number: item.number, ref: "\(prefix)-\(item.number)", subject: item.subject, status: item.status.words(language),
                        statusKey: item.status.rawValue, priority: item.priority.words(language), urgent: item.priority == .urgent || item.priority == .high, level: item.level.rawValue,
                        contact: customers[item.contactID] ?? "", assignee: item.assigneeID.flatMap { staff[$0] } ?? "—", team: "",
                        takeable: false, sla: nil, due: nil, created: TimeText(item.createdAt, reader))
            },
            timeline: timeline.items.map { line($0, customers: customers, staff: staff, prefix: prefix, numbers: numbers, current: nil, reader: reader) },
            older: timeline.nextCursor.map { "\(olderBase)?before=\(HTMLForm.encode($0))#timeline" }, health: nil)
    }
}

extension Console {
    /// The contact points a person can write to this customer on: those the customer has an
    /// address or number for, that answer in writing, and that can deliver (SMS and WhatsApp
    /// only through an integration that can post).
    static func deliverablePoints(for customer: Contact, sending: Set<ContactPoint>) -> [ContactPoint] {
        ContactPoint.allCases.filter { point in
            point.canReply && point != .webChat && point != .portal && customer.identities.contains { $0.kind == point.identityKind }
                && ((point != .sms && point != .whatsApp) || sending.contains(point))
        }
    }

    func recordContact(_ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let caller = session.principal
        guard caller.may(.handleCases) else { throw Problem(.forbidden, "your role may not change cases") }
        let form = context.form ?? HTMLForm(urlEncoded: "")
        let kind: StaffContact.Kind
        switch form.text("kind") ?? "" {
        case "call-in": kind = .callFromCustomer
        case "call-out": kind = .callToCustomer
        case let raw where raw.hasPrefix("write:"):
            kind = .message(try ContactPoint(rawValue: String(raw.dropFirst(6))).orInvalid(field: "kind", "choose how to reach the customer"))
        default: throw ValidationError(field: "kind", reason: "choose a call or how to write")
        }
        let body = try form.text("body").orInvalid(field: "body", "write what was said or what to send")
        let request = StaffContact(
            kind: kind, caseID: try form.text("case").map { try UUID(text: $0).orInvalid(field: "case", "choose one of the customer's cases") },
            subject: form.text("subject"), body: body,
            priority: try form.text("priority").map { try Priority(rawValue: $0).orInvalid(field: "priority", "choose a priority") } ?? .normal,
            solved: form.text("solved") != nil)
        let item = try await app.cases.recordContact(request, contactID: try uuid(context), brand: caller.brandID, staff: caller.userID)
        let done = switch kind {
        case .message: "written"
        default: "call"
        }
        return Pages.redirect("/console/cases/\(item.number)?done=\(done)")
    }
}
