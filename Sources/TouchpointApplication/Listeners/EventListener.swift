import TouchpointCore

/// Something that reacts to recorded events (a notification email, later a playbook step, a
/// survey, an outgoing webhook). Events are rows committed with the change they describe;
/// the `EventDispatcher` reads them after commit and hands each listener the ones of the
/// types it names, oldest first, in batches (so a listener writes once for many events).
///
/// Delivery is at least once: after a crash the dispatcher reads a few minutes back and may
/// hand an event over again, so `handle` must be idempotent (name what it writes after the
/// event's id, for instance).
public protocol EventListener: Sendable {
    /// Names the listener's checkpoint; never change it, or it starts over.
    var name: String { get }
    /// The event types it reacts to; others never reach it.
    var interests: Set<EventType> { get }
    /// Reacts to `events`, oldest first. A throw hands the same batch over again later.
    func handle(_ events: [DomainEvent]) async throws
}
