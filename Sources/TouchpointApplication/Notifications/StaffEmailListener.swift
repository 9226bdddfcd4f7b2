import Foundation
import TouchpointCore
import TouchpointStore

/// Staff notifications also go out by email to whoever has email notifications on, through
/// the outbox. The event's id names the message: one notification, one email, however often
/// the event is handed over.
public struct StaffEmailListener: EventListener {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public var name: String { "staff-email" }
    public var interests: Set<EventType> { [.staffNotified] }

    public func handle(_ events: [DomainEvent]) async throws {
        var mails: [(mail: OutboundMail, recipient: String, brand: BrandID, id: UUID)] = []
        for event in events {
            guard case .string(let raw)? = event.payload["userId"] ?? event.payload["staffId"], let user = UUID(text: raw),
                let target = try await store.staffEmailTarget(user: user, brand: event.brandID, caseID: event.caseID)
            else { continue }
            mails.append((StaffNotificationEmail.compose(event, to: target), target.email, event.brandID, event.id))
        }
        try await store.queueEmails(mails)
    }
}
