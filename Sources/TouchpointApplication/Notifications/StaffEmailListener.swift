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
        let addressed = events.compactMap { event in event.recipient.map { (event: event, user: $0) } }
        let targets = try await store.staffEmailTargets(addressed.map { ($0.user, $0.event.brandID, $0.event.caseID) })
        let mails = zip(addressed, targets).compactMap { item, target in
            target.map { (mail: StaffNotificationEmail.compose(item.event, to: $0), recipient: $0.email, brand: item.event.brandID, id: item.event.id) }
        }
        try await store.queueEmails(mails)
    }
}
