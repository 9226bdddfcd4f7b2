import Foundation
import TouchpointCore

/// The inbox's query string, parsed once; unknown values fall back to the defaults.
struct InboxQuery {
    var view: String
    var q: String?
    var point: ContactPoint?
    var level: SupportLevel?
    var status: CaseStatus?
    var priority: Priority?
    var team: UUID?
    /// A colleague's id, or `unassigned`.
    var assignee: String?
    var model: ServiceModel?
    /// nil: the view's own order (deadline first for work queues, newest for everything).
    var sort: CaseOrder?
    var cursor: String?
    /// The cursors of the pages before this one, oldest first: the way back (the newest 60
    /// pages; a URL stays short).
    var back: [String]
    /// The place of this page's first case in the list, from 1.
    var at: Int

    static let pagesBack = 60

    init(_ form: HTMLForm) {
        view = form.text("view") ?? "mine"
        q = form.text("q")
        point = form.text("point").flatMap(ContactPoint.init(rawValue:))
        level = form.text("level").flatMap(Int.init).flatMap(SupportLevel.init(rawValue:))
        status = form.text("status").flatMap(CaseStatus.init(rawValue:))
        priority = form.text("priority").flatMap(Priority.init(rawValue:))
        team = form.text("team").flatMap(UUID.init(text:))
        assignee = form.text("assignee").flatMap { $0 == "unassigned" || UUID(text: $0) != nil ? $0 : nil }
        model = form.text("model").flatMap(ServiceModel.init(rawValue:))
        sort = form.text("sort").flatMap(CaseOrder.init(rawValue:))
        cursor = form.text("cursor")
        back = (form.text("back") ?? "").split(separator: ".").suffix(Self.pagesBack).map(String.init)
        at = form.text("at").flatMap(Int.init).map { min(max($0, 1), 1_000_000_000) } ?? 1
    }

    /// Whether a filter beyond the view and the search words is set.
    var isFiltered: Bool {
        point != nil || level != nil || status != nil || priority != nil || team != nil || assignee != nil || model != nil
    }

    /// The query without its place in the list: the first page of the same list.
    var firstPage: InboxQuery {
        var first = self
        first.cursor = nil
        first.back = []
        first.at = 1
        return first
    }

    var queryString: String {
        var parts = ["view=" + HTMLForm.encode(view)]
        if let q { parts.append("q=" + HTMLForm.encode(q)) }
        if let point { parts.append("point=" + point.rawValue) }
        if let level { parts.append("level=\(level.rawValue)") }
        if let status { parts.append("status=" + status.rawValue) }
        if let priority { parts.append("priority=" + priority.rawValue) }
        if let team { parts.append("team=" + team.text) }
        if let assignee { parts.append("assignee=" + HTMLForm.encode(assignee)) }
        if let model { parts.append("model=" + model.rawValue) }
        if let sort { parts.append("sort=" + sort.rawValue) }
        if let cursor { parts.append("cursor=" + HTMLForm.encode(cursor)) }
        // Cursor tokens are base64url: '.' never occurs in one.
        if !back.isEmpty { parts.append("back=" + back.joined(separator: ".")) }
        if at > 1 { parts.append("at=\(at)") }
        return parts.joined(separator: "&")
    }
}
