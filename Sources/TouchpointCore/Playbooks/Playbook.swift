import Foundation

/// What ends an enrollment before its last step.
public enum PlaybookExit: String, WireEnum {
    /// The contact wrote on any contact point.
    case replied
    /// The contact opted out of messages on a contact point.
    case optedOut
    /// The contact (or the account) opened a case.
    case caseOpened
    /// The account moved to another service model.
    case modelChanged
}

/// A playbook as its author writes it: what starts it, who it is for, what it does and what
/// stops it. Saving it makes a new version; running enrollments keep theirs.
public struct PlaybookDefinition: Codable, Equatable, Sendable {
    public var name: String
    public var description: String?
    public var trigger: PlaybookTrigger
    public var audience: PlaybookAudience
    public var steps: [PlaybookStep]
    public var exitOn: [PlaybookExit]

    public init(
        name: String, description: String? = nil, trigger: PlaybookTrigger, audience: PlaybookAudience = PlaybookAudience(),
        steps: [PlaybookStep], exitOn: [PlaybookExit] = [.optedOut]
    ) {
        self.name = name
        self.description = description
        self.trigger = trigger
        self.audience = audience
        self.steps = steps
        self.exitOn = exitOn
    }

    enum CodingKeys: String, CodingKey { case name, description, trigger, audience, steps, exitOn }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), description: try c.decodeIfPresent(String.self, forKey: .description),
            trigger: try c.decode(PlaybookTrigger.self, forKey: .trigger),
            audience: try c.decodeIfPresent(PlaybookAudience.self, forKey: .audience) ?? PlaybookAudience(),
            steps: try c.decode([PlaybookStep].self, forKey: .steps),
            exitOn: try c.decodeIfPresent([PlaybookExit].self, forKey: .exitOn) ?? [.optedOut])
    }

    /// Checks everything and fills in step ids; `languages` must each have a message in
    /// every send step (the brand's language).
    public func validated(languages: [Language]) throws(ValidationError) -> PlaybookDefinition {
        var copy = self
        copy.name = try Check.text(name, field: "name", max: 120)
        if let description, !description.trimmedWhitespace.isEmpty {
            copy.description = try Check.text(description, field: "description", max: 2000)
        } else {
            copy.description = nil
        }
        copy.trigger = try trigger.validated()
        copy.audience = try audience.validated()
        guard !steps.isEmpty else { throw ValidationError(field: "steps", reason: "a playbook needs at least one step") }
        guard steps.count <= 50 else { throw ValidationError(field: "steps", reason: "at most 50 steps") }
        var ids: [String] = []
        for (index, step) in steps.enumerated() {
            let id = step.id.trimmedWhitespace.isEmpty ? String(index + 1) : step.id.trimmedWhitespace
            guard id.count <= 40, id != "end", id.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" })
            else {
                throw ValidationError(
                    field: "steps[\(index)].id", reason: "a step id is up to 40 letters, digits, - or _ (and not \"end\"), got '\(id)'")
            }
            guard !ids.contains(id) else { throw ValidationError(field: "steps[\(index)].id", reason: "another step has the id '\(id)'") }
            ids.append(id)
        }
        let known = Set(ids)
        for (index, step) in steps.enumerated() {
            var named = step
            named.id = ids[index]
            copy.steps[index] = try named.validated(field: "steps[\(index)]", languages: languages, ids: known)
            if let then = named.then, then == ids[index] || named.else == ids[index] {
                throw ValidationError(field: "steps[\(index)].then", reason: "a branch cannot go to itself (\(then))")
            }
        }
        if copy.loopsWithoutWait {
            throw ValidationError(
                field: "steps", reason: "a branch leads back to an earlier step with no wait step in between; add a wait so the loop cannot spin")
        }
        copy.exitOn = Array(Set(exitOn)).sorted { $0.rawValue < $1.rawValue }
        return copy
    }

    /// The position of the step that follows `index` when it went `forward` (a branch's
    /// answer, or true for every other step); nil when the enrollment is done.
    public func next(after index: Int, answer: Bool = true) -> Int? {
        guard steps.indices.contains(index) else { return nil }
        let step = steps[index]
        if step.type == .end { return nil }
        if step.type == .branch, let target = answer ? step.then : step.else {
            if target == "end" { return nil }
            return steps.firstIndex { $0.id == target }
        }
        return index + 1 < steps.count ? index + 1 : nil
    }

    /// Whether a branch can lead back to an earlier step (allowed only when a wait lies on
    /// the loop, so an enrollment cannot spin).
    public var loopsWithoutWait: Bool {
        for (index, step) in steps.enumerated() where step.type == .branch {
            for target in [step.then, step.else].compactMap({ $0 }) {
                guard let to = steps.firstIndex(where: { $0.id == target }), to <= index else { continue }
                if !steps[to...index].contains(where: { $0.type == .wait }) { return true }
            }
        }
        return false
    }
}

/// A playbook is running or paused; a paused one starts no one and its enrollments wait.
public enum PlaybookStatus: String, WireEnum {
    case active, paused
}

/// A saved playbook at its current version.
public struct Playbook: Equatable, Sendable {
    public var id: UUID
    public var brandID: BrandID
    public var version: Int
    public var status: PlaybookStatus
    public var definition: PlaybookDefinition
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, brandID: BrandID, version: Int, status: PlaybookStatus, definition: PlaybookDefinition, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.brandID = brandID
        self.version = version
        self.status = status
        self.definition = definition
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
