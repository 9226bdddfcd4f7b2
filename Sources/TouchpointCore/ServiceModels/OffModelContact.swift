import Foundation

/// What happens when a customer reaches us on a contact point their service model does not
/// offer (a tech-touch customer phoning, say). Every such contact is recorded with the reason,
/// so reports can count them; the action says what the contact point does besides.
public enum OffModelAction: String, WireEnum {
    /// Served as usual, and counted.
    case serve
    /// Pointed to self-service: the phone system gets the routing hint `selfService` (the
    /// portal, or a callback request) instead of ringing an agent.
    case selfService
    /// Served only once staff approve it (a technician's visit).
    case approval

    /// The action where a policy names none: the phone points to self-service, a visit needs
    /// approval, and a customer at a desk or kiosk, or writing, is served.
    public static func defaultAction(_ point: ContactPoint) -> OffModelAction {
        switch point {
        case .phone: .selfService
        case .fieldService: .approval
        default: .serve
        }
    }
}

extension ServicePolicy {
    /// What a contact on `point` gets under this policy: nil when the model offers it.
    public func offModelAction(_ point: ContactPoint) -> OffModelAction? {
        guard !offeredContactPoints.contains(point) else { return nil }
        return offModel?[point] ?? OffModelAction.defaultAction(point)
    }

    /// Whether a customer of this model is offered `point` where they choose for themselves
    /// (the kiosk's menu, the portal): the model offers it, or its policy serves it anyway.
    /// Points sent to self-service or needing approval are not shown.
    public func servesOnRequest(_ point: ContactPoint) -> Bool {
        offModelAction(point).map { $0 == .serve } ?? true
    }

    /// Why a contact on `point` is outside this model, as staff and reports read it; nil when
    /// the model offers it.
    public func offModelReason(_ point: ContactPoint) -> String? {
        guard let action = offModelAction(point) else { return nil }
        let then = switch action {
        case .serve: "served and counted"
        case .selfService: "pointed to self-service"
        case .approval: "needs staff approval"
        }
        return "\(point.label) is not offered to \(model.words) customers (\(then))"
    }
}
