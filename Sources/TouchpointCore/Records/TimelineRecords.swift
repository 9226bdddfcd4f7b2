import Foundation

/// One entry of a timeline: an interaction on a contact point, or a recorded event.
public enum TimelineEntry: Sendable {
    case interaction(Interaction)
    case event(DomainEvent)

    public var occurredAt: Date {
        switch self {
        case .interaction(let item): item.occurredAt
        case .event(let item): item.occurredAt
        }
    }

    public var id: UUID {
        switch self {
        case .interaction(let item): item.id
        case .event(let item): item.id
        }
    }
}
