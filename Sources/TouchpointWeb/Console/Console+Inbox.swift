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
        var q: String
        var view: String
        var queryString: String
        /// Customers and accounts the search words find (name, email, phone, customer
        /// number), above the cases, on the first page of a search.
        var customers: [FoundLine] = []
        var anyCustomers = false
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

    /// A queue's count as the side bar shows it, thousands grouped: exact up to the bound,
    /// "10,000+" beyond.
    static func countText(_ count: Int) -> String {
        func grouped(_ number: Int) -> String {
            let digits = Array(String(number))
            return digits.enumerated().map { index, digit in (index > 0 && (digits.count - index) % 3 == 0 ? "," : "") + String(digit) }.joined()
        }
        return count > Cases.countBound ? grouped(Cases.countBound) + "+" : grouped(count)
    }

    struct SavedViewLink {
        var id: String
        var name: String
        var href: String
    }

    struct CaseRow {
        var href: String
        var ref: String
        var subject: String
        var status: String
        var priority: String
        var urgent: Bool
        var level: Int
        var contact: String
        var assignee: String
        var team: String
        /// "at risk" or "breached" when the case needs attention for its SLA.
        var sla: String?
        var due: TimeText?
        var created: TimeText
        /// The newest reply did not reach the customer.
        var undelivered = false
    }

    func inbox(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let query = InboxQuery(HTMLForm(urlEncoded: request.uri.query ?? ""))
        let now = app.environment.now()
        let active = CaseStatus.allCases.filter(\.isActive)
        let me = session.user

        // The queues in the side bar, each a filter the list and its count share.
        var queues: [(key: String, label: String, filter: CaseFilter)] = [
            ("mine", "My cases", CaseFilter(statuses: active, assigneeID: me.id)),
            // What the assistant still holds is nobody's to pick up: it has a queue of its own.
            ("unassigned", "Unassigned", CaseFilter(statuses: active, unassigned: true, withAssistant: false)),
            ("sla", "SLA at risk", CaseFilter(slaAtRiskBy: now)),
        ]
        if let team = me.teamID {
            for level in SupportLevel.allCases {
                queues.append(("team\(level.rawValue)", "My team · level \(level.rawValue)",
                               CaseFilter(statuses: active, teamID: team, level: level, withAssistant: false)))
            }
        }
        queues.append(("assistant", "With the assistant", CaseFilter(statuses: active, withAssistant: true)))
        queues.append(("open", "All open", CaseFilter(statuses: active)))
        queues.append(("all", "Everything", CaseFilter()))

        let selected = queues.first { $0.key == query.view } ?? queues[0]
        var filter = selected.filter
        filter.text = query.q
        filter.contactPoint = query.point
        if let level = query.level { filter.level = level }
        if let status = query.status { filter.statuses = [status] }

        let queueFilters = queues.map(\.filter)
        let cursor = try query.cursor.map { try Cursor(token: $0) }
        async let counts = app.cases.caseCounts(brand: brand, filters: queueFilters)
        async let page = app.cases.cases(brand: brand, filter: filter, limit: 50, cursor: cursor)
        async let staff = app.lookups.staffUsers(brand: brand)
        async let teams = app.routing.teamProfiles(brand: brand)
        async let saved = app.lookups.savedViews(userID: me.id)
        let brandInfo = try await app.staff.brand(brand)
        let prefix = brandInfo.casePrefix
        let reader = brandInfo.reader(.en)
        let items = try await page
        let names = try await app.lookups.contactNames(items.items.map(\.contactID), brand: brand)
        let undelivered = try await app.lookups.casesWithUndeliveredReplies(items.items.map(\.id), brand: brand)
        let staffNames = Dictionary(try await staff.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let teamNames = Dictionary(try await teams.map { ($0.team.id, $0.team.name) }, uniquingKeysWith: { a, _ in a })
        let rows = items.items.map { item in
            let due = item.sla?.clocks.filter { $0.stoppedAt == nil }.compactMap(\.dueAt).min()
            return CaseRow(href: "/console/cases/\(item.number)", ref: "\(prefix)-\(item.number)", subject: item.subject, status: item.status.rawValue,
                           priority: item.priority.rawValue, urgent: item.priority == .urgent || item.priority == .high, level: item.level.rawValue,
                           contact: names[item.contactID] ?? "", assignee: item.assigneeID.flatMap { staffNames[$0] } ?? "—",
                           team: item.teamID.flatMap { teamNames[$0] } ?? "—",
                           sla: item.status.isActive ? item.sla?.label(at: now).flatMap { $0.needsAttention ? $0.words : nil } : nil,
                           due: item.status.isActive ? due.map { TimeText(due: $0, now: now, reader) } : nil, created: TimeText(item.createdAt, reader),
                           undelivered: undelivered.contains(item.id))
        }
        let counted = try await counts
        var base = query
        base.cursor = nil
        let queueLinks = queues.enumerated().map { index, queue in
            QueueLink(label: queue.label, href: "/console?view=\(queue.key)", count: Self.countText(counted[index]), current: queue.key == selected.key)
        }
        let pointLinks = ContactPoint.allCases.map { point in
            var linked = base
            linked.point = point
            return QueueLink(label: point.label, href: "/console?" + linked.queryString, count: nil, current: query.point == point)
        }
        var nextQuery = base
        nextQuery.cursor = items.nextCursor
        // A search finds the people and accounts it names too, not only their cases.
        var found: [FoundLine] = []
        if let words = query.q, cursor == nil {
            async let people = app.contacts.contacts(brand: brand, accountID: nil, identity: nil, query: words, limit: 8, cursor: nil)
            async let companies = app.accounts.accounts(brand: brand, query: words, stage: nil, limit: 5, cursor: nil)
            found = try await companies.items.map {
                FoundLine(href: "/console/accounts/\($0.id.text)", name: $0.name, detail: "Account" + ($0.serviceModel.map { " · \($0.words)" } ?? ""))
            } + people.items.map { person in
                let reach = person.identities.filter { $0.kind != .chatVisitor }.prefix(2).map(\.value).joined(separator: " · ")
                return FoundLine(href: "/console/contacts/\(person.id.text)", name: person.name ?? person.identities.first?.value ?? "unnamed customer",
                                 detail: "Customer" + (reach.isEmpty ? "" : " · \(reach)"))
            }
        }
        let view = InboxView(
            chrome: Chrome(title: selected.label, session: session), heading: selected.label + (query.point.map { " · \($0.label)" } ?? ""),
            queues: queueLinks, points: pointLinks,
            savedViews: try await saved.map { SavedViewLink(id: $0.id.text, name: $0.name, href: "/console?" + $0.query) },
            rows: rows, empty: rows.isEmpty, next: items.nextCursor.map { _ in "/console?" + nextQuery.queryString },
            q: query.q ?? "", view: selected.key, queryString: base.queryString, customers: found, anyCustomers: !found.isEmpty)
        return pages.render("inbox", view)
    }
}

/// The inbox's query string, parsed once; unknown values fall back to the defaults.
struct InboxQuery {
    var view: String
    var q: String?
    var point: ContactPoint?
    var level: SupportLevel?
    var status: CaseStatus?
    var cursor: String?

    init(_ form: HTMLForm) {
        view = form.text("view") ?? "mine"
        q = form.text("q")
        point = form.text("point").flatMap(ContactPoint.init(rawValue:))
        level = form.text("level").flatMap(Int.init).flatMap(SupportLevel.init(rawValue:))
        status = form.text("status").flatMap(CaseStatus.init(rawValue:))
        cursor = form.text("cursor")
    }

    var queryString: String {
        var parts = ["view=" + HTMLForm.encode(view)]
        if let q { parts.append("q=" + HTMLForm.encode(q)) }
        if let point { parts.append("point=" + point.rawValue) }
        if let level { parts.append("level=\(level.rawValue)") }
        if let status { parts.append("status=" + status.rawValue) }
        if let cursor { parts.append("cursor=" + HTMLForm.encode(cursor)) }
        return parts.joined(separator: "&")
    }
}

extension TouchpointContext {
    /// The console session; the middleware already sent anyone without one to sign in.
    func signedIn() throws -> StaffSession {
        guard let session else { throw Problem(.unauthorized, "Sign in to continue.") }
        return session
    }
}
