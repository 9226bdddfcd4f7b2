import Foundation

/// Why a case refused an interaction.
public enum CaseInteractionError: Error, Equatable, Sendable {
    /// The case was merged; everything goes to the case it was merged into.
    case caseMerged(into: CaseID)
    /// A closed case takes no more messages from the customer: they start a follow-up case.
    case closed(number: Int)
}

extension CaseInteractionError: RuleRefusal {
    public var message: String {
        switch self {
        case .caseMerged(let into): "case was merged into \(into.text); add to that case instead"
        case .closed(let number): "case #\(number) is closed; open a follow-up case instead"
        }
    }
}

extension Case {
    /// Records `interaction` on the case: refuses what the case cannot take, moves the status
    /// where the interaction calls for it (a customer writing again reopens a pending or
    /// resolved case, the first reply opens a new one) and the SLA clocks (a reply answers
    /// the customer, a message from them asks again), and returns the changed case with the
    /// events that say so. An automatic message (an acknowledgement) answers nobody: status
    /// and clocks stay, and only its `interaction.added` is recorded.
    /// - Parameters:
    ///   - availability: when the people of the case's service model work.
    ///   - targets: the SLA targets of the case's service model and priority.
    public func recording(
        _ interaction: Interaction, automatic: Bool, now: Date, availability: Availability, targets: SLATargets
    ) throws(CaseInteractionError) -> (Case, [EventDraft]) {
        if let target = mergedInto { throw .caseMerged(into: target) }
        let direction = interaction.direction
        if status == .closed && direction == .inbound { throw .closed(number: number) }
        var added: [String: JSONValue] = ["interactionId": .string(interaction.id.text), "direction": .string(direction.rawValue)]
        if automatic {
            added["automatic"] = .bool(true)
            return (self, [EventDraft(type: .interactionAdded, payload: added)])
        }
        var next = self
        var drafts = [EventDraft(type: .interactionAdded, payload: added)]
        let moved = statusAfter(interaction: direction)
        if let moved {
            drafts.append(
                EventDraft(
                    type: .caseStatusChanged,
                    payload: [
                        "field": .string("status"), "from": .string(status.rawValue), "to": .string(moved.rawValue),
                        "reason": .string(direction == .inbound ? "customer wrote" : "first reply"),
                    ]))
        }
        if var sla = next.sla {
            if let moved { sla.statusChanged(from: status, to: moved, at: now, on: availability) }
            switch direction {
            case .outbound: sla.staffReplied(at: now, on: availability)
            case .inbound: sla.customerWrote(at: now, targets: targets, on: availability)
            case .internal: break
            }
            next.sla = sla
        }
        if let moved { next.status = moved }
        next.updatedAt = now
        return (next, drafts)
    }
}
