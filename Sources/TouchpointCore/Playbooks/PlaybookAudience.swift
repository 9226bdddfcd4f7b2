import Foundation

/// Who a playbook is for. Every part that is given must hold; an empty audience is everyone.
public struct PlaybookAudience: Codable, Equatable, Sendable {
    /// The account's service model is one of these.
    public var models: [ServiceModel]
    /// The account's journey stage is one of these.
    public var stages: [JourneyStage]
    /// Conditions written like a segmentation rule's (all must hold).
    public var conditions: [SegmentCondition]
    /// The contact's role contains one of these words ("billing", "decision maker").
    public var roles: [String]

    public init(models: [ServiceModel] = [], stages: [JourneyStage] = [], conditions: [SegmentCondition] = [], roles: [String] = []) {
        self.models = models
        self.stages = stages
        self.conditions = conditions
        self.roles = roles
    }

    enum CodingKeys: String, CodingKey { case models, stages, conditions, roles }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            models: try c.decodeIfPresent([ServiceModel].self, forKey: .models) ?? [],
            stages: try c.decodeIfPresent([JourneyStage].self, forKey: .stages) ?? [],
            conditions: try c.decodeIfPresent([SegmentCondition].self, forKey: .conditions) ?? [],
            roles: try c.decodeIfPresent([String].self, forKey: .roles) ?? [])
    }

    func validated() throws(ValidationError) -> PlaybookAudience {
        var copy = self
        guard conditions.count <= 20 else { throw ValidationError(field: "audience.conditions", reason: "at most 20 conditions") }
        for (index, condition) in conditions.enumerated() {
            copy.conditions[index] = try condition.validated(field: "audience.conditions[\(index)]")
        }
        guard roles.count <= 20 else { throw ValidationError(field: "audience.roles", reason: "at most 20 roles") }
        copy.roles = []
        for (index, role) in roles.enumerated() {
            let text = try Check.text(role, field: "audience.roles[\(index)]", max: 100)
            if !text.isEmpty { copy.roles.append(text) }
        }
        return copy
    }

    /// Whether a contact of an account (or without one) belongs, and if not, why.
    public func admits(model: ServiceModel, profile: AccountProfile?, role: String?) -> (admitted: Bool, reason: String) {
        if !models.isEmpty, !models.contains(model) { return (false, "the service model is \(model.words)") }
        if !stages.isEmpty {
            guard let stage = profile?.stage, stages.contains(stage) else {
                return (false, profile.map { "the journey stage is \($0.stage.words)" } ?? "the contact has no account")
            }
        }
        if !conditions.isEmpty {
            guard let profile else { return (false, "the contact has no account") }
            let subject = SegmentSubject(profile: profile, contactRole: role ?? "")
            for condition in conditions {
                let (met, reading) = condition.test(subject)
                if !met { return (false, reading.words(.en)) }
            }
        }
        if !roles.isEmpty {
            let title = (role ?? "").lowercased()
            guard roles.contains(where: { title.contains($0.lowercased()) }) else {
                return (false, "the contact's role is not one of \(roles.joined(separator: ", "))")
            }
        }
        return (true, "")
    }
}
