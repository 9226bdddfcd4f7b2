import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The case page: the customer's whole history across contact points, the account's
/// model and promises, the SLA clocks, and every action on the case.
extension Console {
    func addCaseRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("cases/{number}") { request, context in try await casePage(request, context) }
        group.post("cases/{number}/{action}") { _, context in try await caseAction(context) }
        group.get("interactions/{id}/html") { _, context in try await interactionHTML(context) }
        group.get("attachments/{sha256}") { _, context in
            try await attachmentDownload(app: app, sha256: context.parameters.get("sha256"), brand: try context.signedIn().user.brandID)
        }
        group.get("search") { request, context in
            // A case reference (12, #12, Acme-12, Acme #12) jumps straight to the case;
            // anything else (an error code like E5 too) searches the texts.
            let q = HTMLForm(urlEncoded: request.uri.query ?? "").text("q") ?? ""
            let prefix = try await app.staff.brand(try context.signedIn().user.brandID).casePrefix
            if let number = Self.caseNumber(q, prefix: prefix) { return Pages.redirect("/console/cases/\(number)") }
            return Pages.redirect("/console?view=all&q=" + HTMLForm.encode(q))
        }
    }

    struct CaseView {
        var chrome: Chrome
        var notice: String?
        var caseId: String
        var contactId: String
        var ref: String
        var number: Int
        var subject: String
        var status: String
        var statusKey: String
        var priority: String
        var level: Int
        var step: String
        var team: String
        var assignee: String
        var model: String?
        var topic: String?
        var tags: [String]
        var openedOn: String
        /// Where the assistant's conversation stands, in words.
        var assistant: String?
        var contact: ContactCard
        var account: AccountCard?
        var commitments: [CommitmentLine]
        /// Technicians' visits and desk appointments still to come.
        var comingUp: [ComingUpLine]
        /// The customer's other cases still open, on any contact point.
        var otherOpenCases: [LinkLine]
        /// Open cases of the customer that may be this same need, each with a one-click merge
        /// (the newer into the older).
        var sameNeed: [SameNeedLine] = []
        /// The page to the person on call, while it waits for an answer.
        var onCall: OnCallLine?
        var clocks: [ClockLine]
        var links: [LinkLine]
        var timeline: [TimelineLine]
        var older: String?
        var replyPoints: [Option]
        /// The live chat panel, for a case that came from the web-chat widget.
        var chat: ChatPanel?
        var transferTargets: [Option]
        /// Approved WhatsApp templates, for writing after the 24-hour window.
        var templates: [Option]
        var hasTemplates = false
        /// Published articles that may answer the case, to read or link in the reply.
        var suggestions: [SuggestionLine] = []
        /// Why the newest reply did not reach the customer, while no later one has.
        var undelivered: String?
        /// No contact point can carry a reply now (say why instead of a form that fails).
        var noReplyPoint = false
        var macros: [MacroOption]
        /// Colleagues a note can mention ("@Ola Nowak"), offered as one types.
        var mentionable: [Option] = []
        var statuses: [Option]
        var priorities: [Option]
        var agents: [Option]
        var teams: [Option]
        var canEscalate: Bool
        var canDeescalate: Bool
        var nextStep: String?
        var active: Bool
        var merged: LinkLine?
    }

    struct ChatPanel {
        var caseId: String
    }

    /// A page waiting for its answer, as the case page says it: to the reader (with the
    /// button that answers it) or about a colleague.
    struct OnCallLine {
        var text: String
        var mine: Bool
        var action: String
    }

    /// A macro filled in for this case, ready to insert.
    struct MacroOption {
        var id: String
        var name: String
        var text: String
    }

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct ContactCard {
        var href: String
        var name: String
        var title: String?
        var identities: [String]
        var preferred: String?
    }

    struct AccountCard {
        var href: String
        var name: String
        var model: String?
        var why: String?
        var csm: String?
        var health: Int
        var stage: String
        var annualValue: String
        var billing: String
    }

    struct CommitmentLine {
        var what: String
        var due: TimeText
        var status: String
        var overdue: Bool
    }

    struct ClockLine {
        var label: String
        var state: String
        var due: TimeText?
        var alert: Bool
    }

    struct SameNeedLine {
        var ref: String
        var href: String
        var why: String
        /// The merge form: the case it posts to and the case it merges into.
        var action: String
        var into: Int
        var button: String
    }

    struct LinkLine {
        var href: String
        var ref: String
        var subject: String
        var status: String
        var kind: String
        /// This case went into the linked one.
        var mergedInto = false
    }

    struct TimelineLine {
        var id: String
        var isEvent: Bool
        var time: TimeText
        var point: String?
        var nature: String?
        var direction: String?
        /// How the entry reads beside its author: "note", "call from the customer", …
        var kindWords: String?
        var author: String
        var text: String
        var caseRef: String?
        var caseHref: String?
        var otherCase: Bool
        var htmlHref: String?
        var attachments: [AttachmentLine]
        /// Stored, not computed: Mustache reads values by reflection.
        var hasAttachments = false
        /// Where an outbound message stands in the outbox.
        var delivery: String?
        var deliveryFailed = false
        /// A reply an agent wrote, turned into a knowledge-base article in one step.
        var articleHref: String?
    }

    struct SuggestionLine {
        var title: String
        var snippetHTML: String
        /// The article in the console.
        var href: String
        /// What "Insert link" adds to the reply: the title and the customer's address of it.
        var insert: String
    }

    struct AttachmentLine {
        var name: String
        var href: String
        var size: String
    }

    /// What the case page says after an action (`done=`), in English and Polish.
    static let notices: [String: (en: String, pl: String)] = [
        "reply": ("Reply added to the history.", "Odpowiedź dodana do historii."), "note": ("Note added.", "Notatka dodana."),
        "update": ("Case updated.", "Sprawa zaktualizowana."), "escalate": ("Case escalated.", "Sprawa eskalowana."),
        "deescalate": ("Case de-escalated.", "Eskalacja cofnięta."), "link": ("Cases linked.", "Sprawy powiązane."),
        "merge": ("Case merged into this one.", "Sprawa połączona z tą."), "transfer": ("Chat transferred.", "Czat przekazany."),
        "template": ("WhatsApp template sent.", "Szablon WhatsApp wysłany."),
        "followup": ("Follow-up case opened, linked to the closed one.", "Otwarto sprawę następczą, powiązaną z zamkniętą."),
        "call": ("Call logged in the customer's history.", "Rozmowa zapisana w historii klienta."),
        "written": ("Message on its way to the customer.", "Wiadomość jest w drodze do klienta."),
        "on-call": ("You said you are on it: nobody else will be paged.", "Potwierdzono, że się tym zajmujesz: nikt inny nie zostanie wezwany."),
    ]

    func casePage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let item = try await findCase(context, brand: brand)
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        let now = app.environment.now()
        // What the customer wrote so far is read now (the inbox's unread marker); a failed
        // mark must not keep the page from the reader.
        try? await app.caseViewers.opened(caseID: item.id, user: session.user)

        async let summary = app.customers.summary(of: item.contactID, brand: brand)
        async let links = app.cases.links(caseID: item.id, brand: brand)
        async let timeline = app.timelines.contactTimeline(item.contactID, brand: brand, limit: 100, cursor: try query.text("before").map { try Cursor(token: $0) })
        async let staff = app.lookups.staffUsers(brand: brand)
        async let teams = app.routing.teamProfiles(brand: brand)
        async let macros = app.macros.macros(brand: brand)
        async let serviceConfig = app.serviceSettings.serviceConfig(brand: brand)
        async let chat = app.chat.chatSession(caseID: item.id, brand: brand)
        async let botConversation = app.chatbot.conversation(caseID: item.id, brand: brand)
        let brandInfo = try await app.staff.brand(brand)
        let prefix = brandInfo.casePrefix
        let say = context.language
        let reader = brandInfo.reader(say)
        let people = try await staff
        let names = Dictionary(people.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let teamList = try await teams
        let about = try await summary
        let config = try await serviceConfig
        let customer = about.contact
        let page = try await timeline
        let caseNumbers = try await numbers(of: page.items, brand: brand)
        let outbound = page.items.compactMap { entry -> InteractionID? in
            if case .interaction(let item) = entry, item.direction == .outbound { return item.id }
            return nil
        }
        let deliveries = try await app.lookups.deliveryStates(outbound, brand: brand)

        let lines = page.items.map { entry in
            var line = line(entry, customers: [customer.id: customer.name ?? say.say("customer", "klient")], staff: names, prefix: prefix, numbers: caseNumbers, current: item.id,
                            reader: reader)
            if let delivery = deliveries[entry.id], line.delivery == nil || delivery.state == .failed {
                line.delivery = delivery.state == .sent ? say.say("sent", "wysłana")
                    : delivery.state == .failed ? say.say("not delivered: ", "niedoręczona: ") + (delivery.error ?? "")
                    : say.say("waiting in the outbox", "czeka w kolejce wysyłki")
                line.deliveryFailed = delivery.state == .failed
            }
            if case .interaction(let message) = entry, message.direction == .outbound, message.authorKind == .staff {
                line.articleHref = "/console/kb/new?from=\(message.id.text)"
            }
            return line
        }
        // Replies go where the customer can be reached and a message can be sent: the case's
        // own contact point first; SMS and WhatsApp only through an integration that can post.
        let sending = try await app.integrations.sendingTextPoints(brand: brand)
        func delivers(_ point: ContactPoint) -> Bool { (point != .sms && point != .whatsApp) || sending.contains(point) }
        var points = delivers(item.contactPoint) && item.contactPoint.canReply ? [item.contactPoint] : []
        for identity in customer.identities {
            for point in ContactPoint.allCases where point.identityKind == identity.kind && !points.contains(point) && point.canReply && delivers(point) {
                points.append(point)
            }
        }
        // Whether the newest reply on this case whose fate is known failed (the outbox gave up,
        // or the provider reported it undelivered): the case says so until one gets through.
        let lastOutcome = page.items.lazy.compactMap { entry -> (failed: Bool, error: String?)? in
            guard case .interaction(let message) = entry, message.caseID == item.id, message.direction == .outbound else { return nil }
            if message.metadata["delivery"] == "failed" { return (true, message.metadata["deliveryError"]) }
            guard let delivery = deliveries[message.id], delivery.state == .sent || delivery.state == .failed else { return nil }
            return (delivery.state == .failed, delivery.error)
        }.first
        let undelivered = lastOutcome?.failed == true ? (lastOutcome?.error ?? say.say("the provider gave no reason", "dostawca nie podał przyczyny")) : nil
        // A message left while nobody could chat is answered by email.
        let answerBy = item.tags.contains("left-message") && points.contains(.email) ? ContactPoint.email : item.contactPoint
        let step = item.step
        let chatSession = try await chat
        let billingSentence = about.billing?.sentence ?? ""
        let accountInfo = about.account
        let values = Macro.values(customerName: customer.name, caseNumber: item.number, casePrefix: prefix, subject: item.subject,
                                  agentName: session.user.name, brandName: brandInfo.name, accountName: accountInfo?.name)
        let linkLines = try await links.map { link in
            LinkLine(href: "/console/cases/\(link.number)", ref: "\(prefix)-\(link.number)", subject: link.subject, status: link.status.words(say),
                     kind: link.kind == "mergedInto" ? say.say("merged into", "połączona z") : link.kind == "merged" ? say.say("merged here", "dołączona tutaj")
                         : say.say("related", "powiązana"), mergedInto: link.kind == "mergedInto")
        }
        var view = CaseView(
            chrome: Chrome(title: "\(prefix)-\(item.number) \(item.subject)", session: session),
            notice: query["done"].flatMap { Self.notices[$0] }.map { say.say($0.en, $0.pl) }, caseId: item.id.text, contactId: item.contactID.text,
            ref: "\(prefix)-\(item.number)", number: item.number, subject: item.subject, status: item.status.words(say), statusKey: item.status.rawValue,
            priority: item.priority.words(say), level: item.level.rawValue, step: step.words(say),
            team: item.teamID.flatMap { id in teamList.first { $0.team.id == id }?.team.name } ?? say.say("no team", "bez zespołu"),
            assignee: item.assigneeID.flatMap { names[$0] } ?? say.say("unassigned", "nieprzydzielona"),
            model: item.serviceModel?.words, topic: item.topic, tags: item.tags, openedOn: item.contactPoint.label(say),
            assistant: try await botConversation.map { Self.assistantLine($0, say) },
            contact: ContactCard(href: "/console/contacts/\(customer.id.text)", name: customer.name ?? customer.identities.first?.value ?? say.say("unnamed contact", "kontakt bez nazwy"),
                                 title: customer.title, identities: customer.identities.map { "\($0.kind.words(say)): \($0.value)" },
                                 preferred: customer.preferredContactPoint?.label(say)),
            account: accountInfo.map { account in
                AccountCard(href: "/console/accounts/\(account.id.text)", name: account.name, model: account.serviceModel?.words,
                            why: Self.modelReason(account, rules: config.rules, say),
                            csm: account.profile.ownerCSM.flatMap { names[$0] }, health: account.profile.healthScore,
                            stage: account.profile.stage.words(say), annualValue: StaffWords.amount(account.profile.annualValue),
                            billing: billingSentence)
            },
            commitments: about.promises.map { promise in
                CommitmentLine(what: promise.what, due: TimeText(promise.dueAt, reader), status: promise.status.words(say), overdue: promise.dueAt < now)
            },
            comingUp: try await ComingUpLine.lines(about, app: app, brand: brandInfo, language: say),
            otherOpenCases: about.openCases.filter { $0.id != item.id }.map {
                LinkLine(href: "/console/cases/\($0.number)", ref: "\(prefix)-\($0.number)", subject: $0.subject, status: $0.status.words(say), kind: $0.contactPoint.label(say))
            },
            sameNeed: about.openCases.compactMap { other in
                let window = config.policy(item.serviceModel ?? config.rules.defaultModel).continuationWindow
                guard let why = CaseContinuation.sameNeed(other, as: item, windowMinutes: window, language: say) else { return nil }
                let olderIsOther = (other.createdAt, other.number) < (item.createdAt, item.number)
                let ref = "\(prefix)-\(other.number)"
                return SameNeedLine(ref: ref, href: "/console/cases/\(other.number)", why: why,
                                    action: "/console/cases/\(olderIsOther ? item.number : other.number)/merge", into: olderIsOther ? other.number : item.number,
                                    button: olderIsOther ? say.say("Merge this case into \(ref)", "Połącz tę sprawę z \(ref)")
                                        : say.say("Merge \(ref) into this case", "Dołącz \(ref) do tej sprawy"))
            },
            onCall: try await app.routing.onCallPage(case: item.id, brand: brand).flatMap { paged in
                guard paged.state == "open" else { return nil }
                let next = reader.relative(to: paged.dueAt, now: now)
                let then = paged.chain.drop { $0 != paged.userID }.dropFirst().first.flatMap { names[$0] }
                let after = paged.pages < paged.pagesPerPerson ? say.say("paged again", "wezwanie zostanie ponowione")
                    : then.map { say.say("passed to \($0)", "przekazana do: \($0)") } ?? say.say("the managers are told", "kierownicy zostaną powiadomieni")
                let text = paged.userID == session.user.id
                    ? say.say("You are on call for this case (page \(paged.pages) of \(paged.pagesPerPerson)). Say you are on it, or it is \(after) \(next).",
                              "Masz dyżur przy tej sprawie (wezwanie \(paged.pages) z \(paged.pagesPerPerson)). Potwierdź, że się tym zajmujesz, inaczej \(after) \(next).")
                    : say.say("\(names[paged.userID] ?? "Someone") is on call for this case and was paged (page \(paged.pages) of \(paged.pagesPerPerson)); without an answer it is \(after) \(next).",
                              "\(names[paged.userID] ?? "Ktoś") ma dyżur przy tej sprawie i został wezwany (wezwanie \(paged.pages) z \(paged.pagesPerPerson)); bez odpowiedzi \(after) \(next).")
                return OnCallLine(text: text, mine: paged.userID == session.user.id, action: "/console/cases/\(item.number)/on-call")
            },
            clocks: (item.sla?.clocks ?? []).map { clock in
                let label = clock.label(at: now)
                return ClockLine(label: clock.kind.title(say), state: label.words(say), due: clock.stoppedAt == nil ? clock.dueAt.map { TimeText(due: $0, now: now, reader) } : nil,
                                 alert: label.needsAttention)
            },
            links: linkLines.filter { !$0.mergedInto },
            timeline: lines,
            older: page.nextCursor.map { "/console/cases/\(item.number)?before=\(HTMLForm.encode($0))#timeline" },
            replyPoints: points.map { Option(value: $0.rawValue, label: $0.label(say), selected: $0 == answerBy) },
            chat: chatSession.map { ChatPanel(caseId: $0.caseID.text) },
            transferTargets: (step.next.map { [Option(value: "next-level", label: say.say("the next level (\($0.words))", "wyższy poziom (\($0.words(say)))"),
                                                      selected: false)] } ?? [])
                + people.filter { $0.id != item.assigneeID && $0.role.permissions.contains(.handleCases) }
                    .map { Option(value: "agent:\($0.id.text)", label: "\($0.name) (\($0.role.words(say)))", selected: false) },
            // WhatsApp templates are looked up only for customers who can be written to there.
            templates: points.contains(.whatsApp)
                ? try await app.integrations.integrations(brand: brand).first { $0.kind == .whatsApp }?.templates.map {
                    Option(value: "\($0.name)/\($0.language)", label: "\($0.name) (\($0.language)): \($0.text)", selected: false)
                } ?? []
                : [],
            macros: try await macros.map { MacroOption(id: $0.id.text, name: $0.name, text: $0.render(values)) },
            statuses: ([item.status] + item.status.allowedNext.sorted { $0.rawValue < $1.rawValue }).map {
                Option(value: $0.rawValue, label: $0.words(say), selected: $0 == item.status)
            },
            priorities: Priority.allCases.map { Option(value: $0.rawValue, label: $0.words(say), selected: $0 == item.priority) },
            agents: [Option(value: "", label: say.say("nobody", "nikt"), selected: item.assigneeID == nil)]
                + people.map { Option(value: $0.id.text, label: "\($0.name) (\($0.role.words(say)))", selected: $0.id == item.assigneeID) },
            teams: [Option(value: "", label: say.say("no team", "bez zespołu"), selected: item.teamID == nil)]
                + teamList.map { Option(value: $0.team.id.text, label: $0.team.name, selected: $0.team.id == item.teamID) },
            canEscalate: item.status.isActive && step.next != nil, canDeescalate: item.status.isActive && step.previous != nil,
            nextStep: step.next?.words(say), active: item.status != .closed,
            merged: linkLines.first { $0.mergedInto })
        view.hasTemplates = !view.templates.isEmpty
        view.mentionable = people.filter { $0.id != session.user.id }.map { Option(value: $0.id.text, label: $0.name, selected: false) }
        view.undelivered = undelivered
        view.noReplyPoint = points.isEmpty
        // What the customer asked last on this case, with its subject, is what the articles should answer.
        let asked = page.items.compactMap { entry -> String? in
            if case .interaction(let message) = entry, message.caseID == item.id, message.direction == .inbound { return message.text }
            return nil
        }.first ?? ""
        let root = publicRoot(request)
        view.suggestions = try await app.knowledge.suggestions(subject: item.subject, text: asked, brand: brand).map { hit in
            let url = "\(root)/portal/\(brandInfo.slug)/help/\(hit.article.id.text)"
            return SuggestionLine(title: hit.article.content.title, snippetHTML: hit.snippetHTML, href: "/console/kb/\(hit.article.id.text)",
                                  insert: "\(hit.article.content.title): \(url)")
        }
        return pages.render("case", view)
    }

    /// Case numbers of the cases a timeline page touches, read at once.
    func numbers(of entries: [TimelineEntry], brand: BrandID) async throws -> [CaseID: Int] {
        let ids = entries.compactMap { entry -> CaseID? in
            switch entry {
            case .interaction(let item): item.caseID
            case .event(let event): event.caseID
            }
        }
        return try await app.lookups.caseNumbers(ids, brand: brand)
    }

    /// One timeline entry as a page shows it; `current` is the case the page is about, if any.
    func line(_ entry: TimelineEntry, customers: [ContactID: String], staff: [UserID: String], prefix: String, numbers: [CaseID: Int],
              current: CaseID?, reader: ReaderTime) -> TimelineLine {
        func caseLink(_ id: CaseID?) -> (String?, String?) {
            guard let id, let number = numbers[id] else { return (nil, nil) }
            return ("\(prefix)-\(number)", "/console/cases/\(number)")
        }
        func author(_ kind: AuthorKind, _ id: UUID?) -> String {
            switch kind {
            case .staff: id.flatMap { staff[$0] } ?? reader.say("staff", "pracownik")
            case .contact: id.flatMap { customers[$0] } ?? (customers.count == 1 ? customers.values.first! : reader.say("customer", "klient"))
            case .system: "Touchpoint"
            }
        }
        switch entry {
        case .interaction(let item):
            let (ref, href) = caseLink(item.caseID)
            let author = item.authorKind == .contact ? (customers[item.contactID] ?? author(.contact, item.authorID)) : author(item.authorKind, item.authorID)
            var line = TimelineLine(
                id: item.id.text, isEvent: false, time: TimeText(item.occurredAt, reader), point: item.contactPoint.label(reader.language),
                nature: item.nature == .high ? reader.say("high-contact", "z udziałem człowieka") : reader.say("low-contact", "samoobsługa"), direction: item.direction.rawValue, author: author,
                text: item.metadata["fresh"] ?? item.text, caseRef: ref, caseHref: href, otherCase: item.caseID != current,
                htmlHref: item.html == nil ? nil : "/console/interactions/\(item.id.text)/html",
                attachments: item.attachments.map {
                    AttachmentLine(name: $0.name, href: "/console/attachments/\($0.sha256)", size: ByteCountFormatter.string(fromByteCount: Int64($0.size), countStyle: .file))
                })
            line.hasAttachments = !item.attachments.isEmpty
            line.kindWords = switch (item.direction, item.metadata["call"]) {
            case (.internal, "inbound"?): reader.say("call from the customer, logged by", "rozmowa od klienta, zapisana przez")
            case (.internal, "outbound"?): reader.say("call to the customer, logged by", "rozmowa do klienta, zapisana przez")
            case (.internal, _): reader.say("note by", "notatka:")
            case (.inbound, _): reader.say("from", "od")
            case (.outbound, _): reader.say("reply by", "odpowiedź:")
            }
            // A provider's delivery report on a text message (email's state comes from the outbox).
            if let report = item.metadata["delivery"] {
                line.delivery = report == "failed" ? reader.say("not delivered: ", "niedoręczona: ") + (item.metadata["deliveryError"] ?? "")
                    : report == "delivered" ? reader.say("delivered", "doręczona") : report == "sent" ? reader.say("sent", "wysłana") : report
                line.deliveryFailed = report == "failed"
            }
            return line
        case .event(let event):
            let (ref, href) = caseLink(event.caseID)
            return TimelineLine(id: event.id.text, isEvent: true, time: TimeText(event.occurredAt, reader), point: nil, nature: nil, direction: nil,
                                author: author(event.actor.kind, event.actor.id), text: EventText.describe(event, staff: staff, reader: reader),
                                caseRef: ref, caseHref: href, otherCase: event.caseID != current, htmlHref: nil, attachments: [])
        }
    }

    /// Customer HTML, already sanitized when stored, in a page of its own that the case page
    /// frames in a sandbox: no script runs and no remote image loads (no tracking pixels).
    func interactionHTML(_ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "interaction not found") }
        let item = try await app.lookups.interaction(id, brand: session.user.brandID)
        let html = "<!doctype html><meta charset=\"utf-8\"><base target=\"_blank\">" + (item.html ?? "")
        return Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    // MARK: Actions

    func caseAction(_ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let caller = session.principal
        guard caller.may(.handleCases) else { throw Problem(.forbidden, "your role may not change cases") }
        let brand = caller.brandID
        let actor = Actor.staff(caller.userID)
        let form = context.form ?? HTMLForm(urlEncoded: "")
        let item = try await findCase(context, brand: brand)
        var target = item.number
        let action = context.parameters.get("action") ?? ""
        switch action {
        case "reply", "note":
            // Without script, choosing a macro and sending an empty reply sends the macro.
            var text = form.text("body")
            if text == nil, action == "reply", let id = form.text("macro").flatMap(UUID.init(text:)),
               let macro = try await app.macros.macros(brand: brand).first(where: { $0.id == id }) {
                let customer = try await app.contacts.contact(item.contactID, brand: brand)
                let account = try await item.accountID.asyncMap { try await app.accounts.account($0, brand: brand) }
                let brandInfo = try await app.staff.brand(brand)
                text = macro.render(Macro.values(customerName: customer.name, caseNumber: item.number, casePrefix: brandInfo.casePrefix,
                                                 subject: item.subject, agentName: session.user.name, brandName: brandInfo.name, accountName: account?.name))
            }
            // A file alone is a message too ("see the attached form").
            guard let body = text ?? (form.files.contains { $0.field == "attachment" } ? "Attached: " + form.files.map(\.filename).joined(separator: ", ") : nil) else {
                throw ValidationError(field: "body", reason: "write something first")
            }
            let point = action == "reply" ? try form.text("contactPoint").map { raw in
                guard let point = ContactPoint(rawValue: raw) else { throw ValidationError(field: "contactPoint", reason: "unknown contact point") }
                return point
            } : nil
            // Files chosen in the composer are stored (once per brand, by content) and go with it.
            let files = form.files.filter { $0.field == "attachment" }
            guard files.count <= 10 else { throw ValidationError(field: "attachment", reason: "attach at most 10 files") }
            let attachments = try await app.cases.storeAttachments(files.map { ($0.filename, $0.contentType, $0.data) }, brand: brand)
            _ = try await app.cases.addInteraction(caseID: item.id, brand: brand, actor: actor,
                                               request: NewInteraction(direction: action == "reply" ? .outbound : .internal, contactPoint: point, body: body,
                                                                       attachments: attachments))
        case "template":
            // WhatsApp after the customer-care window: an approved template, one parameter per line.
            guard let chosen = form.text("template"), let slash = chosen.lastIndex(of: "/") else {
                throw ValidationError(field: "template", reason: "choose a template")
            }
            let parameters = (form["parameters"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            _ = try await app.cases.addInteraction(caseID: item.id, brand: brand, actor: actor,
                                               request: NewInteraction(direction: .outbound, contactPoint: .whatsApp, body: "",
                                                                       template: TemplateUse(name: String(chosen[..<slash]), language: String(chosen[chosen.index(after: slash)...]),
                                                                                             parameters: parameters)))
        case "update":
            var update = CaseUpdate()
            if let status = form.text("status").flatMap(CaseStatus.init(rawValue:)), status != item.status { update.status = status }
            if let priority = form.text("priority").flatMap(Priority.init(rawValue:)), priority != item.priority { update.priority = priority }
            if let raw = form["assignee"] {
                let assignee = raw.isEmpty ? nil : UUID(text: raw)
                if assignee != item.assigneeID { update.assigneeID = .some(assignee) }
            }
            if let raw = form["team"] {
                let team = raw.isEmpty ? nil : UUID(text: raw)
                if team != item.teamID { update.teamID = .some(team) }
            }
            update.reason = form.text("reason")
            if update != CaseUpdate(reason: update.reason) {
                _ = try await app.cases.updateCase(item.id, brand: brand, actor: actor, update: update)
            }
        case "escalate":
            guard let reason = form.text("reason") else { throw ValidationError(field: "reason", reason: "say why the case goes up") }
            _ = try await app.routing.escalate(item.id, brand: brand, actor: actor, trigger: .manual(reason: reason, target: nil))
        case "deescalate":
            guard let reason = form.text("reason") else { throw ValidationError(field: "reason", reason: "say why the case goes down") }
            _ = try await app.routing.deescalate(item.id, brand: brand, actor: actor, to: nil, reason: reason)
        case "transfer":
            // A chat handed to a colleague or up a level, with the reason on the timeline; the
            // visitor's widget says who answers now.
            guard let reason = form.text("reason") else { throw ValidationError(field: "reason", reason: "say why the chat moves") }
            let to = form.text("to") ?? ""
            if to == "next-level" {
                _ = try await app.routing.escalate(item.id, brand: brand, actor: actor, trigger: .manual(reason: reason, target: nil))
            } else if to.hasPrefix("agent:"), let id = UUID(text: String(to.dropFirst(6))) {
                _ = try await app.cases.updateCase(item.id, brand: brand, actor: actor, update: CaseUpdate(assigneeID: .some(id), reason: reason))
            } else {
                throw ValidationError(field: "to", reason: "choose a colleague or the next level")
            }
        case "followup":
            // A closed case takes no more messages; its follow-up is a new case, linked.
            guard let note = form.text("body") else { throw ValidationError(field: "body", reason: "say what the follow-up is for") }
            let followUp = try await app.cases.openFollowUp(of: item.id, brand: brand, staff: caller.userID, subject: form.text("subject"), note: note)
            return Pages.redirect("/console/cases/\(followUp.number)?done=followup")
        case "on-call":
            _ = try await app.routing.acknowledgePage(case: item.id, brand: brand, user: caller.userID)
        case "link", "merge":
            guard let number = form.text("number").map({ $0.filter(\.isNumber) }).flatMap({ Int($0) }) else {
                throw ValidationError(field: "number", reason: "give the other case's number")
            }
            let other = try await app.cases.case(number: number, brand: brand)
            if action == "link" {
                try await app.cases.linkCases(item.id, to: other.id, brand: brand, actor: actor)
            } else {
                _ = try await app.cases.mergeCase(item.id, into: other.id, brand: brand, actor: actor)
                target = other.number
            }
        default:
            throw Problem(.notFound, "no such action")
        }
        return Pages.redirect("/console/cases/\(target)?done=\(action)")
    }

    /// The case number a search names, if it is a case reference of this brand.
    /// The assistant's part in a case, as an agent reads it on the case page.
    static func assistantLine(_ conversation: BotConversation, _ say: Language) -> String {
        let shown = conversation.shown.count
        let tried = shown == 0 ? say.say("no article shown", "nie pokazano artykułu")
            : say.say(shown == 1 ? "1 article shown" : "\(shown) articles shown", "pokazano: " + say.count(shown, ("", ""), ("artykuł", "artykuły", "artykułów")))
        let why: String = switch conversation.handOffReason {
        case .asked?: say.say("the customer asked for a person", "klient poprosił o człowieka")
        case .stuck?: say.say("its answers did not help", "jego odpowiedzi nie pomogły")
        case .noAnswer?: say.say("it had no answer", "nie znał odpowiedzi")
        case .notHelped?: say.say("the automatic answer did not help", "automatyczna odpowiedź nie pomogła")
        case .personAnswers?: say.say("a person answers this customer", "temu klientowi odpowiada człowiek")
        case nil: ""
        }
        switch conversation.state {
        case .bot: return say.say("the assistant is answering (\(tried))", "odpowiada asystent (\(tried))")
        case .waiting: return say.say("handed to a person, waiting for an answer: \(why) (\(tried))", "przekazana człowiekowi, czeka na odpowiedź: \(why) (\(tried))")
        case .human: return say.say("a person took over from the assistant: \(why)", "człowiek przejął rozmowę od asystenta: \(why)")
        case .resolved: return conversation.handedOffAt == nil ? say.say("solved with the assistant (\(tried))", "rozwiązana z asystentem (\(tried))")
            : say.say("resolved after the assistant handed over", "rozwiązana po przekazaniu przez asystenta")
        }
    }

    static func caseNumber(_ query: String, prefix: String) -> Int? {
        var rest = Substring(query.trimmingCharacters(in: .whitespaces))
        var marked = false
        if rest.lowercased().hasPrefix(prefix.lowercased()) {
            rest = rest.dropFirst(prefix.count).drop { $0 == " " || $0 == "-" }
            marked = true
        }
        if rest.hasPrefix("#") { rest = rest.dropFirst(); marked = true }
        // Eight digits or more, written bare, is a phone number (600700902), not a case.
        if !marked, rest.count >= 8 { return nil }
        guard !rest.isEmpty, rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber), let number = Int(rest), number > 0 else { return nil }
        return number
    }

    func findCase(_ context: TouchpointContext, brand: BrandID) async throws -> Case {
        guard let raw = context.parameters.get("number"), let number = Int(raw), number > 0 else { throw Problem(.notFound, "case not found") }
        return try await app.cases.case(number: number, brand: brand)
    }

    /// Why the account has its model, in the reader's language: the rules say it again in
    /// their words while they still give the stored model; otherwise (rules changed and the
    /// account not yet re-evaluated) the stored English explanation is the truth.
    static func modelReason(_ account: Account, rules: RuleSet, _ say: Language) -> String? {
        let now = rules.evaluate(SegmentSubject(profile: account.profile))
        return now.model == account.serviceModel ? now.explanation(say) : account.modelExplanation
    }
}

extension ContactPoint {
    /// Whether staff can answer on this contact point from the case page (not a visit or a
    /// desk, which happen in person, and not the chatbot, which answers itself).
    var canReply: Bool { ![.kiosk, .inPerson, .fieldService, .billing, .chatbot].contains(self) }
}

extension SLAClockKind {
    func title(_ say: Language) -> String {
        switch self {
        case .firstResponse: say.say("First response", "Pierwsza odpowiedź")
        case .nextResponse: say.say("Next response", "Kolejna odpowiedź")
        case .resolution: say.say("Resolution", "Rozwiązanie")
        }
    }
}
