import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The inbox: the signed-in person's queues with their counts, one list, saved views.
extension Console {
    func addInboxRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get { request, context in try await inbox(request, context) }
        group.post("views") { request, context in
            let session = try context.signedIn()
            let form = context.form ?? HTMLForm(urlEncoded: "")
            let query = InboxQuery(HTMLForm(urlEncoded: form["query"] ?? ""))
            _ = try await app.lookups.saveView(userID: session.user.id, name: form["name"] ?? "", query: query.queryString)
            return Pages.redirect("/console?" + query.queryString)
        }
        group.post("views/{id}/delete") { _, context in
            let session = try context.signedIn()
            guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "no such view") }
            try await app.lookups.deleteView(id, userID: session.user.id)
            return Pages.redirect("/console")
        }
    }

    struct InboxView {
        var chrome: Chrome
        var heading: String
        var queues: [QueueLink]
        var points: [QueueLink]
        var savedViews: [SavedViewLink]
        var rows: [CaseRow]
        var empty: Bool
        var next: String?
        var previous: String?
        /// "1–50 of 1,234": where this page is in the list.
        var range: String
        var q: String
        var view: String
        var queryString: String
        /// Customers and accounts the search words find (name, email, phone, customer
        /// number), above the cases, on the first page of a search.
        var customers: [FoundLine] = []
        var anyCustomers = false
        var filters: [FilterSelect]
        var filtered: Bool
        var clearFilters: String
        var caseSort: SortLink
        var dueSort: SortLink
        var bulk: BulkForm
        /// What the last bulk change did.
        var notice: String?
        var refusals: [String]
        var anyRefusals: Bool
        /// Words every row repeats, said once for the page.
        var words: RowWords
    }

    /// The words of a case row in the reader's language.
    struct RowWords {
        var customer: String
        var status: String
        var level: String
        var assignee: String
        var due: String
        var take: String
        var newMessage: String
        var notDelivered: String

        init(_ say: Language) {
            customer = say.say("Customer", "Klient")
            status = say.say("Status", "Status")
            level = say.say("Level", "Poziom")
            assignee = say.say("Assignee", "Prowadzi")
            due = say.say("Due", "Termin")
            take = say.say("Take", "Weź")
            newMessage = say.say("New message from the customer", "Nowa wiadomość od klienta")
            notDelivered = say.say("reply not delivered", "odpowiedź niedoręczona")
        }
    }

    struct FoundLine {
        var href: String
        var name: String
        var detail: String
    }

    struct QueueLink {
        var label: String
        var href: String
        var count: String?
        var current: Bool
    }

    /// A list filter: a select whose first option is "any".
    struct FilterSelect {
        var name: String
        var label: String
        var options: [Option]
    }

    /// A sortable column heading: where a click leads and how the list is sorted by it now.
    struct SortLink {
        var href: String
        /// `ascending` or `descending` when the list is sorted by this column (`aria-sort`).
        var ariaSort: String?
        var arrow: String
    }

    /// The choices of a change to the selected cases.
    struct BulkForm {
        var returnTo: String
        var assignees: [Option]
        var teams: [Option]
        var statuses: [Option]
        var priorities: [Option]
    }

    /// A queue's count as the side bar shows it, thousands grouped: exact up to the bound,
    /// "10,000+" beyond.
    static func countText(_ count: Int) -> String {
        count > Cases.countBound ? grouped(Cases.countBound) + "+" : grouped(count)
    }

    static func grouped(_ number: Int) -> String {
        let digits = Array(String(number))
        return digits.enumerated().map { index, digit in (index > 0 && (digits.count - index) % 3 == 0 ? "," : "") + String(digit) }.joined()
    }

    struct SavedViewLink {
        var id: String
        var name: String
        var href: String
    }

    struct CaseRow {
        var href: String
        var number: Int
        var ref: String
        var subject: String
        /// The status in words, and as stored for the style that colours it.
        var status: String
        var statusKey: String
        var priority: String
        var urgent: Bool
        var level: Int
        var contact: String
        var assignee: String
        var team: String
        /// Offered a "Take" button: an active case nobody has yet.
        var takeable: Bool
        /// "at risk" or "breached" when the case needs attention for its SLA.
        var sla: String?
        var due: TimeText?
        var created: TimeText
        /// The newest reply did not reach the customer.
        var undelivered = false
        /// The customer wrote since the reader last opened the case.
        var unread = false
    }

    /// The cases a page shows at a time.
    static let pageSize = 50

    func inbox(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let form = HTMLForm(urlEncoded: request.uri.query ?? "")
        let query = InboxQuery(form)
        let now = app.environment.now()
        let active = CaseStatus.allCases.filter(\.isActive)
        let me = session.user
        let say = context.language

        // The queues in the side bar, each a filter the list and its count share.
        var queues: [(key: String, label: String, filter: CaseFilter)] = [
            ("mine", say.say("My cases", "Moje sprawy"), CaseFilter(statuses: active, assigneeID: me.id)),
            // What the assistant still holds is nobody's to pick up: it has a queue of its own.
            ("unassigned", say.say("Unassigned", "Nieprzydzielone"), CaseFilter(statuses: active, unassigned: true, withAssistant: false)),
            ("sla", say.say("SLA at risk", "SLA zagrożone"), CaseFilter(slaAtRiskBy: now)),
        ]
        if let team = me.teamID {
            for level in SupportLevel.allCases {
                queues.append(("team\(level.rawValue)", say.say("My team · level \(level.rawValue)", "Mój zespół · poziom \(level.rawValue)"),
                               CaseFilter(statuses: active, teamID: team, level: level, withAssistant: false)))
            }
        }
        queues.append(("assistant", say.say("With the assistant", "U asystenta"), CaseFilter(statuses: active, withAssistant: true)))
        queues.append(("open", say.say("All open", "Wszystkie otwarte"), CaseFilter(statuses: active)))
        queues.append(("all", say.say("Everything", "Wszystkie"), CaseFilter()))

        let selected = queues.first { $0.key == query.view } ?? queues[0]
        var filter = selected.filter
        filter.text = query.q
        filter.contactPoint = query.point
        if let level = query.level { filter.level = level }
        if let status = query.status { filter.statuses = [status] }
        filter.priority = query.priority
        filter.serviceModel = query.model
        if let team = query.team { filter.teamID = team }
        switch query.assignee {
        case "unassigned"?:
            filter.assigneeID = nil
            filter.unassigned = true
        case let id?:
            filter.assigneeID = UUID(text: id)
            filter.unassigned = false
        case nil: break
        }
        // Work is listed by what is due first; a search, or a list that holds finished
        // cases, newest first.
        let backlogOnly = filter.slaAtRiskBy != nil || (!filter.statuses.isEmpty && filter.statuses.allSatisfy(\.isActive))
        let order = query.sort ?? (backlogOnly && query.q == nil ? .deadline : .newest)
        filter.order = order
        let listed = filter

        let queueFilters = queues.map(\.filter)
        let cursor = try query.cursor.map { try Cursor(token: $0) }
        // A search's total would read every match: it is left out, the pages are not. A list
        // that is its queue unfiltered has the queue's count already (the order counts nothing).
        var unfiltered = listed
        unfiltered.order = selected.filter.order
        let totalAt: Int? =
            if query.q != nil { nil } else if unfiltered == selected.filter { queues.firstIndex { $0.key == selected.key } } else { queueFilters.count }
        async let counts = app.cases.caseCounts(brand: brand, filters: queueFilters + (totalAt == queueFilters.count ? [listed] : []))
        async let page = app.cases.cases(brand: brand, filter: listed, limit: Self.pageSize, cursor: cursor)
        async let staff = app.lookups.staffUsers(brand: brand)
        async let teams = app.routing.teamProfiles(brand: brand)
        async let saved = app.lookups.savedViews(userID: me.id)
        let brandInfo = try await app.staff.brand(brand)
        let prefix = brandInfo.casePrefix
        let reader = brandInfo.reader(context.language)
        let items = try await page
        let names = try await app.lookups.contactNames(items.items.map(\.contactID), brand: brand)
        let undelivered = try await app.lookups.casesWithUndeliveredReplies(items.items.map(\.id), brand: brand)
        let unread = try await app.caseViewers.unread(items.items.map(\.id), reader: me)
        let staffList = try await staff
        let teamList = try await teams.map(\.team)
        let staffNames = Dictionary(staffList.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let teamNames = Dictionary(teamList.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = items.items.map { item in
            CaseRow(href: "/console/cases/\(item.number)", number: item.number, ref: "\(prefix)-\(item.number)", subject: item.subject,
                    status: item.status.words(say), statusKey: item.status.rawValue, priority: item.priority.words(say), urgent: item.priority == .urgent || item.priority == .high,
                    level: item.level.rawValue, contact: names[item.contactID] ?? "", assignee: item.assigneeID.flatMap { staffNames[$0] } ?? "—",
                    team: item.teamID.flatMap { teamNames[$0] } ?? "—", takeable: item.status.isActive && item.assigneeID == nil,
                    sla: item.status.isActive ? item.sla?.label(at: now).flatMap { $0.needsAttention ? $0.words(say) : nil } : nil,
                    due: item.status.isActive ? item.sla?.deadline.map { TimeText(due: $0, now: now, reader) } : nil,
                    created: TimeText(item.createdAt, reader), undelivered: undelivered.contains(item.id), unread: unread.contains(item.id))
        }
        let counted = try await counts
        let base = query.firstPage
        let queueLinks = queues.enumerated().map { index, queue in
            QueueLink(label: queue.label, href: "/console?view=\(queue.key)", count: Self.countText(counted[index]), current: queue.key == selected.key)
        }
        let pointLinks = ContactPoint.allCases.map { point in
            var linked = base
            linked.point = point
            return QueueLink(label: point.label(say), href: "/console?" + linked.queryString, count: nil, current: query.point == point)
        }

        // Paging both ways: the next page carries the way back.
        var nextQuery = query
        nextQuery.cursor = items.nextCursor
        nextQuery.back = Array((query.back + [query.cursor ?? Self.firstPageMark]).suffix(InboxQuery.pagesBack))
        nextQuery.at = query.at + rows.count
        var previous: String?
        if query.at > 1 {
            var previousQuery = query
            if let last = query.back.last {
                previousQuery.cursor = last == Self.firstPageMark ? nil : last
                previousQuery.back = query.back.dropLast()
                previousQuery.at = max(1, query.at - Self.pageSize)
            } else {
                previousQuery = base
            }
            previous = "/console?" + previousQuery.queryString
        }
        let total = totalAt.map { counted[$0] }
        let range = rows.isEmpty ? "" : "\(Self.grouped(query.at))–\(Self.grouped(query.at + rows.count - 1))" + (total.map { say.say(" of ", " z ") + Self.countText($0) } ?? "")

        // A search finds the people and accounts it names too, not only their cases.
        var found: [FoundLine] = []
        if let words = query.q, cursor == nil {
            async let people = app.contacts.contacts(brand: brand, accountID: nil, identity: nil, query: words, limit: 8, cursor: nil)
            async let companies = app.accounts.accounts(brand: brand, query: words, stage: nil, limit: 5, cursor: nil)
            found = try await companies.items.map {
                FoundLine(href: "/console/accounts/\($0.id.text)", name: $0.name, detail: say.say("Account", "Firma") + ($0.serviceModel.map { " · \($0.words)" } ?? ""))
            } + people.items.map { person in
                let reach = person.identities.filter { $0.kind != .chatVisitor }.prefix(2).map(\.value).joined(separator: " · ")
                return FoundLine(href: "/console/contacts/\(person.id.text)", name: person.name ?? person.identities.first?.value  ?? say.say("unnamed customer", "klient bez nazwy"),
                                 detail: say.say("Customer", "Klient") + (reach.isEmpty ? "" : " · \(reach)"))
            }
        }

        func options<T>(_ values: [T], any: String, chosen: String?, value: (T) -> String, label: (T) -> String) -> [Option] {
            [Option(value: "", label: any, selected: chosen == nil)] + values.map { Option(value: value($0), label: label($0), selected: value($0) == chosen) }
        }
        let people = staffList.sorted { $0.name < $1.name }
        let filters = [
            FilterSelect(name: "status", label: say.say("Status", "Status"),
                         options: options(CaseStatus.allCases, any: say.say("Any status", "Dowolny status"), chosen: query.status?.rawValue,
                                          value: \.rawValue, label: { $0.words(say) })),
            FilterSelect(name: "priority", label: say.say("Priority", "Priorytet"),
                         options: options(Priority.allCases, any: say.say("Any priority", "Dowolny priorytet"), chosen: query.priority?.rawValue,
                                          value: \.rawValue, label: { $0.words(say) })),
            FilterSelect(name: "team", label: say.say("Team", "Zespół"),
                         options: options(teamList, any: say.say("Any team", "Dowolny zespół"), chosen: query.team?.text, value: \.id.text, label: \.name)),
            FilterSelect(name: "assignee", label: say.say("Assignee", "Prowadzi"),
                         options: [Option(value: "", label: say.say("Anyone", "Ktokolwiek"), selected: query.assignee == nil),
                                   Option(value: "unassigned", label: say.say("Nobody yet", "Jeszcze nikt"), selected: query.assignee == "unassigned")]
                             + people.map { Option(value: $0.id.text, label: $0.name, selected: query.assignee == $0.id.text) }),
            FilterSelect(name: "level", label: say.say("Level", "Poziom"),
                         options: options(SupportLevel.allCases, any: say.say("Any level", "Dowolny poziom"), chosen: query.level.map { "\($0.rawValue)" },
                                          value: { "\($0.rawValue)" }, label: { $0.words(say) })),
            FilterSelect(name: "model", label: say.say("Service model", "Model obsługi"),
                         options: options(ServiceModel.allCases, any: say.say("Any model", "Dowolny model"), chosen: query.model?.rawValue,
                                          value: \.rawValue, label: \.words)),
            FilterSelect(name: "point", label: say.say("Contact point", "Punkt kontaktu"),
                         options: options(ContactPoint.allCases, any: say.say("Any contact point", "Dowolny punkt kontaktu"), chosen: query.point?.rawValue,
                                          value: \.rawValue, label: { $0.label(say) })),
        ]
        var cleared = base
        (cleared.point, cleared.level, cleared.status, cleared.priority, cleared.team, cleared.assignee, cleared.model) = (nil, nil, nil, nil, nil, nil, nil)
        func sortLink(_ to: CaseOrder) -> String {
            var sorted = base
            sorted.sort = to
            return "/console?" + sorted.queryString
        }
        let caseSort = SortLink(href: sortLink(order == .newest ? .oldest : .newest),
                                ariaSort: order == .newest ? "descending" : order == .oldest ? "ascending" : nil,
                                arrow: order == .newest ? "↓" : order == .oldest ? "↑" : "")
        let dueSort = SortLink(href: sortLink(.deadline), ariaSort: order == .deadline ? "ascending" : nil, arrow: order == .deadline ? "↑" : "")
        let bulk = BulkForm(
            returnTo: query.queryString,
            assignees: [Option(value: "", label: say.say("Keep assignee", "Bez zmiany osoby"), selected: true),
                        Option(value: me.id.text, label: say.say("Me", "Ja"), selected: false),
                        Option(value: "unassigned", label: say.say("Nobody", "Nikt"), selected: false)]
                + people.filter { $0.id != me.id }.map { Option(value: $0.id.text, label: $0.name, selected: false) },
            teams: [Option(value: "", label: say.say("Keep team", "Bez zmiany zespołu"), selected: true)]
                + teamList.map { Option(value: $0.id.text, label: $0.name, selected: false) },
            statuses: [Option(value: "", label: say.say("Keep status", "Bez zmiany statusu"), selected: true)]
                + CaseStatus.allCases.map { Option(value: $0.rawValue, label: $0.words(say), selected: false) },
            priorities: [Option(value: "", label: say.say("Keep priority", "Bez zmiany priorytetu"), selected: true)]
                + Priority.allCases.map { Option(value: $0.rawValue, label: $0.words(say), selected: false) })
        let done = BulkNotice(form: form, key: session.csrfToken)
        let view = InboxView(
            chrome: Chrome(title: selected.label, session: session), heading: selected.label + (query.point.map { " · \($0.label(say))" } ?? ""),
            queues: queueLinks, points: pointLinks,
            savedViews: try await saved.map { SavedViewLink(id: $0.id.text, name: $0.name, href: "/console?" + $0.query) },
            rows: rows, empty: rows.isEmpty, next: items.nextCursor.map { _ in "/console?" + nextQuery.queryString }, previous: previous, range: range,
            q: query.q ?? "", view: selected.key, queryString: base.queryString, customers: found, anyCustomers: !found.isEmpty,
            filters: filters, filtered: query.isFiltered, clearFilters: "/console?" + cleared.queryString, caseSort: caseSort, dueSort: dueSort, bulk: bulk,
            notice: done?.summary, refusals: done?.refusals ?? [], anyRefusals: !(done?.refusals.isEmpty ?? true), words: RowWords(say))
        return pages.render("inbox", view)
    }

    /// Stands for the first page in the way back (no cursor); never a cursor token, which is
    /// at least four characters.
    static let firstPageMark = "0"
}

extension TouchpointContext {
    /// The console session; the middleware already sent anyone without one to sign in.
    func signedIn() throws -> StaffSession {
        guard let session else { throw Problem(.unauthorized, "Sign in to continue.") }
        return session
    }
}
