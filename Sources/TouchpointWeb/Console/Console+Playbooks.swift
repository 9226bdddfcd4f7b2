import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Playbooks in the console: the list, one playbook with its per-step results and its
/// enrollments, a dry run, pausing, and the editor (a form; a mistake comes back on the
/// same form with the entered values and what is wrong).
extension Console {
    struct PlaybookLine {
        var id: String
        var name: String
        var trigger: String
        var paused: Bool
        var version: Int
        var active: Int
        var completed: Int
        var exited: Int
    }

    struct PlaybooksView {
        var chrome: Chrome
        var playbooks: [PlaybookLine]
        var mayEdit: Bool
    }

    struct FigureLine {
        var step: String
        var what: String
        var taken: Int
        var sent: Int
        var delivered: Int
        var skipped: Int
        var replied: Int
    }

    struct EnrollmentLine {
        var id: String
        var playbookID: String
        var who: String
        var account: String?
        var contactID: String
        var state: String
        var next: String?
        var due: TimeText?
        var reason: String
        var version: Int
        var running: Bool
    }

    struct PlannedLine {
        var step: String
        var at: TimeText
        var what: String
    }

    struct DryRunLine {
        var who: String
        var plan: [PlannedLine]
    }

    struct PlaybookView {
        var chrome: Chrome
        var id: String
        var name: String
        var description: String?
        var trigger: String
        var audience: String
        var exits: String
        var version: Int
        var paused: Bool
        var mayEdit: Bool
        var notice: String?
        var figures: [FigureLine]
        var enrollments: [EnrollmentLine]
        var dryRun: Bool
        var wouldEnter: Int
        var dryRunLines: [DryRunLine]
        var leftOut: [String]
    }

    func addPlaybookRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("playbooks") { _, context in
            let session = try context.signedIn()
            let brand = session.user.brandID
            var lines: [PlaybookLine] = []
            for playbook in try await app.playbooks.list(brand: brand) {
                let counts = try await app.playbooks.figures(playbook.id, brand: brand).states
                lines.append(
                    PlaybookLine(
                        id: playbook.id.text, name: playbook.definition.name, trigger: playbook.definition.trigger.phrase(context.language),
                        paused: playbook.status == .paused,
                        version: playbook.version, active: counts[.active] ?? 0, completed: counts[.completed] ?? 0, exited: counts[.exited] ?? 0))
            }
            return pages.render(
                "playbooks",
                PlaybooksView(chrome: Chrome(title: context.language.say("Playbooks", "Scenariusze"), session: session), playbooks: lines, mayEdit: session.principal.may(.manageAccounts))
            )
        }
        group.get("playbooks/new") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.manageAccounts) else { throw Problem(.forbidden, "your role may not write playbooks") }
            return try await editor(session: session, say: context.language, id: nil, values: PlaybookForm.values(of: nil), error: nil)
        }
        group.get("playbooks/{id}") { request, context in
            let session = try context.signedIn()
            let query = HTMLForm(urlEncoded: request.uri.query ?? "")
            return try await playbookPage(
                session: session, language: context.language, id: try Self.playbookID(context), dryRun: query["try"] != nil, notice: query["done"].map { _ in context.language.say("Saved.", "Zapisano.") })
        }
        group.get("playbooks/{id}/edit") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.manageAccounts) else { throw Problem(.forbidden, "your role may not write playbooks") }
            let playbook = try await app.playbooks.playbook(try Self.playbookID(context), brand: session.user.brandID)
            return try await editor(session: session, say: context.language, id: playbook.id, values: PlaybookForm.values(of: playbook), error: nil)
        }
        group.post("playbooks") { _, context in try await save(context, id: nil) }
        group.post("playbooks/{id}") { _, context in try await save(context, id: try Self.playbookID(context)) }
        group.post("playbooks/{id}/status") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.manageAccounts) else { throw Problem(.forbidden, "your role may not write playbooks") }
            let id = try Self.playbookID(context)
            let status: PlaybookStatus = context.form?["status"] == "paused" ? .paused : .active
            _ = try await app.playbooks.update(id, definition: nil, status: status, brand: session.user.brandID, actor: .staff(session.user.id))
            return Pages.redirect("/console/playbooks/\(id.text)?done=1")
        }
        group.post("playbooks/{id}/enrollments/{enrollment}/stop") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.manageAccounts) else { throw Problem(.forbidden, "your role may not stop playbooks") }
            let id = try Self.playbookID(context)
            guard let enrollment = context.parameters.get("enrollment").flatMap(UUID.init(text:)) else {
                throw Problem(.notFound, "enrollment not found")
            }
            _ = try await app.playbooks.stop(enrollment: enrollment, brand: session.user.brandID, actor: .staff(session.user.id))
            return Pages.redirect("/console/playbooks/\(id.text)?done=1")
        }
    }

    static func playbookID(_ context: TouchpointContext) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(text:)) else { throw Problem(.notFound, "playbook not found") }
        return id
    }

    func save(_ context: TouchpointContext, id: UUID?) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.manageAccounts) else { throw Problem(.forbidden, "your role may not write playbooks") }
        let form = context.form ?? HTMLForm(urlEncoded: "")
        let brand = session.user.brandID
        let existing = try await id.asyncMap { try await app.playbooks.playbook($0, brand: brand) }
        do {
            let definition = try PlaybookForm.definition(from: form, keeping: existing?.definition)
            let status: PlaybookStatus = form["status"] == "paused" ? .paused : .active
            let saved =
                if let id {
                    try await app.playbooks.update(id, definition: definition, status: status, brand: brand, actor: .staff(session.user.id))
                } else {
                    try await app.playbooks.create(definition, status: status, brand: brand, actor: .staff(session.user.id))
                }
            return Pages.redirect("/console/playbooks/\(saved.id.text)?done=1")
        } catch let error as ValidationError {
            return try await editor(
                session: session, say: context.language, id: id, values: PlaybookForm.values(from: form), error: PlaybookForm.explain(error, context.language), status: .unprocessableContent)
        } catch StoreError.invalid(let field, let reason) {
            return try await editor(
                session: session, say: context.language, id: id, values: PlaybookForm.values(from: form),
                error: PlaybookForm.explain(ValidationError(field: field, reason: reason), context.language),
                status: .unprocessableContent)
        }
    }

    func playbookPage(session: StaffSession, language: Language, id: UUID, dryRun: Bool, notice: String?) async throws -> Response {
        let brand = session.user.brandID
        let playbook = try await app.playbooks.playbook(id, brand: brand)
        let definition = playbook.definition
        let figures = try await app.playbooks.figures(id, brand: brand)
        let enrollments = try await app.playbooks.enrollments(id, brand: brand, state: nil, limit: 50, cursor: nil).items
        var run: PlaybookDryRun?
        if dryRun { run = try await app.playbooks.dryRun(definition, brand: brand, limit: 20) }
        let say = language
        let audience = PlaybookForm.describe(definition.audience, say)
        let reader = try await staffReader(brand, language)
        return pages.render(
            "playbook",
            PlaybookView(
                chrome: Chrome(title: definition.name, session: session), id: id.text, name: definition.name, description: definition.description,
                trigger: definition.trigger.phrase(say), audience: audience, exits: definition.exitOn.map { PlaybookForm.exitLabel($0, say) }.joined(separator: ", "),
                version: playbook.version, paused: playbook.status == .paused, mayEdit: session.principal.may(.manageAccounts), notice: notice,
                figures: figures.steps.map { item in
                    let step = definition.steps.first { $0.id == item.stepID }
                    return FigureLine(
                        step: item.stepID, what: step.map { PlaybookForm.describe($0, say) } ?? item.type.rawValue, taken: item.taken, sent: item.sent,
                        delivered: item.delivered, skipped: item.skipped, replied: item.replied)
                },
                enrollments: enrollments.map { item in
                    EnrollmentLine(
                        id: item.id.text, playbookID: id.text, who: item.contactName ?? say.say("Contact", "Kontakt"), account: item.accountName,
                        contactID: item.contactID.text,
                        state: PlaybookForm.stateLabel(item.state, say),
                        next: item.state == .active && item.version == playbook.version && definition.steps.indices.contains(item.stepIndex)
                            ? PlaybookForm.describe(definition.steps[item.stepIndex], say) : nil,
                        due: item.state == .active ? item.dueAt.map { TimeText($0, reader) } : nil,
                        reason: item.exitReason.map { say.say("Stopped: ", "Przerwany: ") + $0 } ?? item.reason,
                        version: item.version, running: item.state == .active)
                },
                dryRun: dryRun, wouldEnter: run?.total ?? 0,
                dryRunLines: run?.entries.map { entry in
                    DryRunLine(
                        who: [entry.contactName, entry.accountName].compactMap { $0 }.joined(separator: ", "),
                        plan: entry.plan.map { PlannedLine(step: $0.stepID, at: TimeText($0.at, reader), what: $0.what) })
                } ?? [],
                leftOut: run?.excluded.map { "\($0.name): \($0.reason)" } ?? []))
    }

    struct EditorView {
        var chrome: Chrome
        var action: String
        var heading: String
        var error: String?
        var form: PlaybookForm.View
    }

    func editor(
        session: StaffSession, say: Language, id: UUID?, values: [String: String], error: String?, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let teams = try await app.routing.teamProfiles(brand: session.user.brandID).map { ($0.team.id.text, $0.team.name) }
        let heading = id == nil ? say.say("New playbook", "Nowy scenariusz") : say.say("Edit playbook", "Edycja scenariusza")
        return pages.render(
            "playbook-edit",
            EditorView(
                chrome: Chrome(title: heading, session: session),
                action: id.map { "/console/playbooks/\($0.text)" } ?? "/console/playbooks", heading: heading,
                error: error, form: PlaybookForm.view(values, teams: teams, say)), status: status)
    }
}
