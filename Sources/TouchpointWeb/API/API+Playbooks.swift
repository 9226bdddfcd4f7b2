import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// A playbook as the API shows it: its definition at the current version, and how its
/// enrollments stand.
struct PlaybookDTO: Encodable {
    struct Counts: Encodable {
        var active: Int
        var completed: Int
        var exited: Int
    }

    struct Figures: Encodable {
        var step: String
        var type: PlaybookStepType
        var taken: Int
        var sent: Int
        var delivered: Int
        var skipped: Int
        var replied: Int
    }

    var id: String
    var version: Int
    var status: PlaybookStatus
    var name: String
    var description: String?
    var trigger: PlaybookTrigger
    var triggerDescription: String
    var audience: PlaybookAudience
    var steps: [PlaybookStep]
    var exitOn: [PlaybookExit]
    var enrollments: Counts?
    var stepResults: [Figures]?
    var createdAt: Date
    var updatedAt: Date

    init(_ playbook: Playbook, figures: (steps: [StepFigures], states: [EnrollmentState: Int])? = nil) {
        id = playbook.id.text
        version = playbook.version
        status = playbook.status
        name = playbook.definition.name
        description = playbook.definition.description
        trigger = playbook.definition.trigger
        triggerDescription = playbook.definition.trigger.phrase
        audience = playbook.definition.audience
        steps = playbook.definition.steps
        exitOn = playbook.definition.exitOn
        if let figures {
            enrollments = Counts(
                active: figures.states[.active] ?? 0, completed: figures.states[.completed] ?? 0, exited: figures.states[.exited] ?? 0)
            stepResults = figures.steps.map {
                Figures(
                    step: $0.stepID, type: $0.type, taken: $0.taken, sent: $0.sent, delivered: $0.delivered, skipped: $0.skipped, replied: $0.replied)
            }
        }
        createdAt = playbook.createdAt
        updatedAt = playbook.updatedAt
    }
}

struct EnrollmentDTO: Encodable {
    struct Step: Encodable {
        var step: String
        var type: PlaybookStepType
        var outcome: StepOutcome
        var detail: String
        var at: Date
    }

    var id: String
    var playbookId: String
    var version: Int
    var contactId: String
    var contactName: String?
    var accountId: String?
    var accountName: String?
    var state: EnrollmentState
    var nextStep: String?
    var dueAt: Date?
    var reason: String
    var exitReason: String?
    var startedAt: Date
    var endedAt: Date?
    var steps: [Step]?

    init(_ item: Enrollment, definition: PlaybookDefinition?, log: [StepResult]? = nil) {
        id = item.id.text
        playbookId = item.playbookID.text
        version = item.version
        contactId = item.contactID.text
        contactName = item.contactName
        accountId = item.accountID?.text
        accountName = item.accountName
        state = item.state
        nextStep = item.state == .active ? definition.flatMap { $0.steps.indices.contains(item.stepIndex) ? $0.steps[item.stepIndex].id : nil } : nil
        dueAt = item.dueAt
        reason = item.reason
        exitReason = item.exitReason
        startedAt = item.startedAt
        endedAt = item.endedAt
        steps = log?.map { Step(step: $0.stepID, type: $0.type, outcome: $0.outcome, detail: $0.detail, at: $0.at) }
    }
}

struct EnrollmentPageDTO: Encodable {
    var items: [EnrollmentDTO]
    var nextCursor: String?
}

struct PlaybookDryRunDTO: Encodable {
    struct Entry: Encodable {
        var contactId: String
        var contactName: String?
        var accountId: String?
        var accountName: String?
        var plan: [Planned]
    }

    struct Planned: Encodable {
        var step: String
        var type: PlaybookStepType
        var at: Date
        var what: String
    }

    struct Left: Encodable {
        var name: String
        var reason: String
    }

    var wouldEnter: Int
    var shown: Int
    var entries: [Entry]
    var leftOut: [Left]

    init(_ run: PlaybookDryRun) {
        wouldEnter = run.total
        shown = run.entries.count
        entries = run.entries.map { entry in
            Entry(
                contactId: entry.contactID.text, contactName: entry.contactName, accountId: entry.accountID?.text, accountName: entry.accountName,
                plan: entry.plan.map { Planned(step: $0.stepID, type: $0.type, at: $0.at, what: $0.what) })
        }
        leftOut = run.excluded.map { Left(name: $0.name, reason: $0.reason) }
    }
}

/// The status that may come with a definition (`active` unless said).
private struct StatusField: Decodable {
    var status: PlaybookStatus?
}

extension API {
    func addPlaybookRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("playbooks") { _, context in
            let caller = try context.caller(may: .readCustomers)
            var items: [PlaybookDTO] = []
            for playbook in try await app.playbooks.list(brand: caller.brandID) {
                items.append(PlaybookDTO(playbook, figures: try await app.playbooks.figures(playbook.id, brand: caller.brandID)))
            }
            return try JSONIO.response(["items": items])
        }
        group.post("playbooks") { request, context in
            let caller = try context.caller(may: .manageAccounts)
            let buffer = try await io.jsonBody(request)
            let definition = try io.decode(PlaybookDefinition.self, from: buffer)
            let status = try io.decode(StatusField.self, from: buffer).status ?? .active
            let playbook = try await app.playbooks.create(definition, status: status, brand: caller.brandID, actor: .staff(caller.userID))
            return try JSONIO.response(PlaybookDTO(playbook), status: .created, headers: [.location: "/api/v1/playbooks/\(playbook.id.text)"])
        }
        group.post("playbooks/dry-run") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let definition = try await io.decode(PlaybookDefinition.self, from: request)
            return try JSONIO.response(PlaybookDryRunDTO(try await app.playbooks.dryRun(definition, brand: caller.brandID)))
        }
        group.get("playbooks/{id}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let id = try context.parameters.id()
            let playbook = try await app.playbooks.playbook(id, brand: caller.brandID)
            return try JSONIO.response(PlaybookDTO(playbook, figures: try await app.playbooks.figures(id, brand: caller.brandID)))
        }
        group.put("playbooks/{id}") { request, context in
            let caller = try context.caller(may: .manageAccounts)
            let buffer = try await io.jsonBody(request)
            let definition = try io.decode(PlaybookDefinition.self, from: buffer)
            let status = try io.decode(StatusField.self, from: buffer).status
            let playbook = try await app.playbooks.update(
                try context.parameters.id(), definition: definition, status: status, brand: caller.brandID, actor: .staff(caller.userID))
            return try JSONIO.response(PlaybookDTO(playbook))
        }
        for (action, status) in [("pause", PlaybookStatus.paused), ("resume", .active)] {
            group.post("playbooks/{id}/\(action)") { _, context in
                let caller = try context.caller(may: .manageAccounts)
                let playbook = try await app.playbooks.update(
                    try context.parameters.id(), definition: nil, status: status, brand: caller.brandID, actor: .staff(caller.userID))
                return try JSONIO.response(PlaybookDTO(playbook))
            }
        }
        group.post("playbooks/{id}/dry-run") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let playbook = try await app.playbooks.playbook(try context.parameters.id(), brand: caller.brandID)
            let buffer = try await io.jsonBody(request)
            // An edited definition may be tried before it is saved; an empty body tries the saved one.
            let definition = buffer.readableBytes == 0 ? playbook.definition : try io.decode(PlaybookDefinition.self, from: buffer)
            return try JSONIO.response(PlaybookDryRunDTO(try await app.playbooks.dryRun(definition, brand: caller.brandID)))
        }
        group.get("playbooks/{id}/enrollments") { request, context in
            let caller = try context.caller(may: .readCustomers)
            let id = try context.parameters.id()
            let query = Query(request: request)
            let state = try query.given("state").map { raw throws(ValidationError) in try EnrollmentState.parse(raw, field: "state") }
            let page = try await app.playbooks.enrollments(
                id, brand: caller.brandID, state: state, limit: try query.limit(), cursor: try query.cursor())
            let playbook = try await app.playbooks.playbook(id, brand: caller.brandID)
            let items = page.items.map { EnrollmentDTO($0, definition: $0.version == playbook.version ? playbook.definition : nil) }
            return try JSONIO.response(EnrollmentPageDTO(items: items, nextCursor: page.nextCursor))
        }
        group.get("playbooks/{id}/enrollments/{enrollment}") { _, context in
            let caller = try context.caller(may: .readCustomers)
            let enrollmentID = try context.parameters.id("enrollment")
            guard let item = try await app.playbooks.enrollment(enrollmentID, playbook: try context.parameters.id(), brand: caller.brandID) else {
                throw Problem(.notFound, "enrollment not found")
            }
            let log = try await app.playbooks.stepLog(enrollment: enrollmentID, brand: caller.brandID)
            return try JSONIO.response(EnrollmentDTO(item, definition: nil, log: log))
        }
        group.post("playbooks/{id}/enrollments/{enrollment}/stop") { _, context in
            let caller = try context.caller(may: .manageAccounts)
            guard
                try await app.playbooks.stop(enrollment: try context.parameters.id("enrollment"), brand: caller.brandID, actor: .staff(caller.userID))
            else {
                throw Problem(.conflict, "the enrollment is not running")
            }
            return Response(status: .noContent)
        }
        group.get("automation/settings") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(try await app.playbooks.settings(brand: caller.brandID))
        }
        group.put("automation/settings") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(AutomationSettings.self, from: request)
            return try JSONIO.response(try await app.playbooks.setSettings(body, brand: caller.brandID, actor: .staff(caller.userID)))
        }
    }
}
