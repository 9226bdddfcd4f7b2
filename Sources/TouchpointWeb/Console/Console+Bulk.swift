import Crypto
import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// Changing many cases at once from the inbox, and "Take" on one row: the selected cases
/// get one change through the same use case a single case's form uses; the inbox then
/// says what changed and why any case was left as it was.
extension Console {
    func addBulkRoutes(to group: RouterGroup<TouchpointContext>) {
        group.post("bulk") { _, context in try await bulkChange(context) }
    }

    func bulkChange(_ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let caller = session.principal
        guard caller.may(.handleCases) else { throw Problem(.forbidden, "your role may not change cases") }
        let form = context.form ?? HTMLForm(urlEncoded: "")
        let say = context.language
        // Back to the same list, page and filters; only a query string, so never elsewhere.
        let back = "/console?" + InboxQuery(HTMLForm(urlEncoded: form["return"] ?? "")).queryString
        func finish(_ summary: String, _ refusals: [String] = []) -> Response {
            Pages.redirect(back + "&" + BulkNotice(summary: summary, refusals: refusals).query(key: session.csrfToken) + "#cases-region")
        }
        let numbers: [Int]
        var change = BulkChange()
        let take = form.text("take").flatMap(Int.init)
        if let take {
            numbers = [take]
            change.assigneeID = .some(caller.userID)
        } else {
            var seen = Set<Int>()
            numbers = form.all("case").compactMap(Int.init).filter { $0 > 0 && seen.insert($0).inserted }
            switch form.text("assignee") {
            case "unassigned"?: change.assigneeID = .some(nil)
            case let raw?: change.assigneeID = .some(try UUID(text: raw).orInvalid(field: "assignee", "choose a colleague from the list"))
            case nil: break
            }
            if let raw = form.text("team") { change.teamID = .some(try UUID(text: raw).orInvalid(field: "team", "choose a team from the list")) }
            if let raw = form.text("status") { change.status = try CaseStatus(rawValue: raw).orInvalid(field: "status", "choose a status from the list") }
            if let raw = form.text("priority") { change.priority = try Priority(rawValue: raw).orInvalid(field: "priority", "choose a priority from the list") }
            if let raw = form.text("tag") { change.addTag = try Case.normalizedTags([raw], field: "tag").first }
        }
        guard !numbers.isEmpty else { return finish(say.say("Select the cases to change first.", "Najpierw zaznacz sprawy do zmiany.")) }
        guard numbers.count <= 200 else { throw ValidationError(field: "case", reason: "at most 200 cases at once") }
        guard !change.isEmpty else { return finish(say.say("Choose what to change for the selected cases.", "Wybierz, co zmienić w zaznaczonych sprawach.")) }
        let outcome = try await app.cases.apply(change, toCases: numbers, brand: caller.brandID, actor: .staff(caller.userID))
        let prefix = try await app.staff.brand(caller.brandID).casePrefix
        if let take, outcome.refused.isEmpty {
            return finish(outcome.changed.isEmpty ? say.say("\(prefix)-\(take) was yours already.", "\(prefix)-\(take) już była Twoja.")
                                                  : say.say("\(prefix)-\(take) is yours now.", "\(prefix)-\(take) jest teraz Twoja."))
        }
        var parts: [String] = []
        if !outcome.changed.isEmpty {
            parts.append(outcome.changed.count == 1 ? say.say("\(prefix)-\(outcome.changed[0]) changed.", "Zmieniono \(prefix)-\(outcome.changed[0]).")
                         : say.say("\(outcome.changed.count) cases changed.", "Zmieniono: " + say.count(outcome.changed.count, ("", ""), ("sprawa", "sprawy", "spraw")) + "."))
        }
        if !outcome.unchanged.isEmpty {
            parts.append(say.say(outcome.unchanged.count == 1 ? "1 case was already so." : "\(outcome.unchanged.count) cases were already so.",
                                 "Bez zmian, bo już tak było: " + say.count(outcome.unchanged.count, ("", ""), ("sprawa", "sprawy", "spraw")) + "."))
        }
        if !outcome.refused.isEmpty {
            parts.append(say.say(outcome.refused.count == 1 ? "1 case was left as it was:" : "\(outcome.refused.count) cases were left as they were:",
                                 "Pozostawiono bez zmian: " + say.count(outcome.refused.count, ("", ""), ("sprawa", "sprawy", "spraw")) + ":"))
        }
        return finish(parts.joined(separator: " "), outcome.refused.map { "\(prefix)-\($0.number): \($0.reason)" })
    }
}

extension Optional {
    /// The value, or a validation error on `field` saying `reason`.
    func orInvalid(field: String, _ reason: String) throws(ValidationError) -> Wrapped {
        guard let self else { throw ValidationError(field: field, reason: reason) }
        return self
    }
}

/// What a bulk change did, carried to the inbox in its URL and signed with the session's
/// key, so a link from elsewhere cannot put words on the page.
struct BulkNotice {
    var summary: String
    var refusals: [String]

    init(summary: String, refusals: [String]) {
        self.summary = summary
        self.refusals = refusals
    }

    /// The notice the inbox's query carries, when its signature holds.
    init?(form: HTMLForm, key: String) {
        guard let summary = form.text("done"), let signature = form.text("sig") else { return nil }
        let refusals = form.all("refused")
        guard Self.signature(summary, refusals, key: key) == signature else { return nil }
        self.init(summary: summary, refusals: refusals)
    }

    func query(key: String) -> String {
        (["done=" + HTMLForm.encode(summary)] + refusals.map { "refused=" + HTMLForm.encode($0) }
            + ["sig=" + Self.signature(summary, refusals, key: key)]).joined(separator: "&")
    }

    static func signature(_ summary: String, _ refusals: [String], key: String) -> String {
        let text = ([summary] + refusals).joined(separator: "\u{0}")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(("bulk-notice|" + key).utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
