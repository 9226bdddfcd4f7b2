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

    public func handle(_ event: DomainEvent) async throws {
        guard case .string(let raw)? = event.payload["userId"] ?? event.payload["staffId"], let user = UUID(text: raw),
            let target = try await store.staffEmailTarget(user: user, brand: event.brandID, caseID: event.caseID)
        else { return }
        try await store.queueEmail(StaffNotificationEmail.compose(event, to: target), recipient: target.email, brand: event.brandID, id: event.id)
    }
}
