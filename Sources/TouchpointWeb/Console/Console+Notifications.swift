import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The signed-in person's notifications: cases routed or assigned to them, SLA warnings,
/// promises falling due and colleagues mentioning them, newest first; opening the list
/// marks them seen. The header's count comes from `notifications/unseen`.
extension Console {
    struct NotificationsView {
        var chrome: Chrome
        var items: [NoticeLine]
        var empty: Bool
        var older: String?
        var emailOn: Bool
    }

    struct NoticeLine {
        var text: String
        var at: TimeText
        var href: String?
        var ref: String?
        var new: Bool
    }

    /// The count the header shows.
    struct UnseenCount: JSONWritable {
        var count: Int
        func write(to out: inout JSONOut) { out.object { $0.field("count", count) } }
    }

    func addNotificationRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("notifications") { request, context in try await notificationsPage(request, context) }
        group.get("notifications/unseen") { _, context in
            let session = try context.signedIn()
            return JSONIO.response(UnseenCount(count: try await app.staffNotifications.unseen(for: session.user)))
        }
    }

    func notificationsPage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        // The page's last time, in milliseconds (exact, where a formatted time rounds).
        let before = try query.text("before").map { raw -> Date in
            guard let ms = Int(raw), ms > 0 else { throw ValidationError(field: "before", reason: "expected the time of a notification") }
            return Date(timeIntervalSince1970: Double(ms) / 1000)
        }
        let pageSize = 50
        let notices = try await app.staffNotifications.list(for: session.user, before: before, limit: pageSize)
        let reader = try await staffReader(brand, context.language)
        let prefix = try await app.staff.brand(brand).casePrefix
        let numbers = try await app.lookups.caseNumbers(Array(Set(notices.compactMap(\.event.caseID))), brand: brand)
        let lines = notices.map { notice in
            let number = notice.event.caseID.flatMap { numbers[$0] }
            return NoticeLine(text: notice.event.noticeText(context.language) ?? "", at: TimeText(notice.event.occurredAt, reader),
                              href: number.map { "/console/cases/\($0)" }, ref: number.map { "\(prefix)-\($0)" }, new: notice.seenAt == nil)
        }
        // Listed once, seen: the count in the header goes back to nothing.
        if lines.contains(where: \.new) { try await app.staffNotifications.markSeen(for: session.user) }
        return pages.render(
            "notifications",
            NotificationsView(
                chrome: Chrome(title: context.language.say("Notifications", "Powiadomienia"), session: session), items: lines, empty: lines.isEmpty,
                older: notices.count == pageSize ? notices.last.map { "/console/notifications?before=\(Int(($0.event.occurredAt.timeIntervalSince1970 * 1000).rounded()))" } : nil,
                emailOn: try await app.staffNotifications.emailNotifications(userID: session.user.id)))
    }
}
