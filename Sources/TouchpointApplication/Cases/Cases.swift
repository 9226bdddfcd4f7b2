import Foundation
import TouchpointCore
import TouchpointStore

/// Cases: opening, reading, updating, replying, linking and merging.
public struct Cases: Sendable {
    let store: Store

    /// Opens a case with its first inbound message, resolving the sender to a contact (or
    /// creating one). A repeated provider message id returns the first result unchanged.
    public func openCase(brand brandID: BrandID, actor explicitActor: Actor?, request: OpenCase) async throws -> OpenedCase {
        try await store.openCase(brand: brandID, actor: explicitActor, request: request)
    }

    /// Opens a follow-up to a case (a closed one takes no more messages): a new case for the
    /// same customer, on the same contact point, topic and priority, that starts with the
    /// agent's note on what is to be done, and is linked to the old one as related.
    public func openFollowUp(of id: CaseID, brand: BrandID, staff: UserID, subject: String?, note: String) async throws -> Case {
        let original = try await store.case(id, brand: brand)
        let contact = try await store.contact(original.contactID, brand: brand)
        // The identity the old case came in on when it can carry the new one, else any.
        let kind = original.contactPoint.identityKind
        guard let identity = contact.identities.first(where: { $0.kind == kind }) ?? contact.identities.first(where: { $0.kind != .chatVisitor })
            ?? contact.identities.first else {
            throw ValidationError(field: "contact", reason: "the customer has no email address, number or other identity to open a case for")
        }
        let brandInfo = try await store.brand(brand)
        let opened = try await store.openCase(brand: brand, actor: .staff(staff), request: OpenCase(
            contactPoint: original.contactPoint, from: identity, subject: subject ?? "Follow-up to \(brandInfo.casePrefix)-\(original.number): \(original.subject)",
            body: note, priority: original.priority, metadata: ["followUpOf": "\(original.number)"], topic: original.topic, openedBy: staff))
        try await store.linkCases(opened.case.id, to: original.id, brand: brand, actor: .staff(staff))
        return opened.case
    }

    /// One case of the brand.
    public func `case`(_ id: CaseID, brand: BrandID) async throws -> Case {
        try await store.`case`(id, brand: brand)
    }

    /// A case by its human-friendly number.
    public func `case`(number: Int, brand: BrandID) async throws -> Case {
        try await store.`case`(number: number, brand: brand)
    }

    /// Applies a validated update; each changed field becomes an event.
    public func updateCase(_ id: CaseID, brand: BrandID, actor: Actor, update: CaseUpdate) async throws -> Case {
        try await store.updateCase(id, brand: brand, actor: actor, update: update)
    }

    /// Applies one change to each of the brand's cases `numbers`, each in its own transaction,
    /// the way `updateCase` changes one. A case the change cannot apply to (closed, merged, a
    /// step beyond its model's ceiling) is refused with the reason and the others go on; a
    /// database failure stops the rest and is thrown.
    public func apply(_ change: BulkChange, toCases numbers: [Int], brand: BrandID, actor: Actor) async throws -> BulkOutcome {
        var outcome = BulkOutcome()
        for number in numbers {
            do {
                let item = try await store.case(number: number, brand: brand)
                let update = change.update(for: item)
                if update == CaseUpdate() {
                    outcome.unchanged.append(number)
                    continue
                }
                _ = try await store.updateCase(item.id, brand: brand, actor: actor, update: update)
                outcome.changed.append(number)
            } catch let error as ValidationError {
                outcome.refused.append(.init(number: number, reason: "\(error.field): \(error.reason)"))
            } catch let error as StoreError {
                switch error {
                case .invalid(let field, let reason): outcome.refused.append(.init(number: number, reason: "\(field): \(reason)"))
                case .conflict(let why), .forbidden(let why): outcome.refused.append(.init(number: number, reason: why))
                case .notFound(let what): outcome.refused.append(.init(number: number, reason: "\(what) not found"))
                case .unavailable: throw error
                }
            }
        }
        return outcome
    }

    /// Stores files a person attaches to a reply or a note, once per brand by content, and
    /// returns their references for the interaction.
    public func storeAttachments(_ files: [(name: String, contentType: String, data: [UInt8])], brand: BrandID) async throws -> [AttachmentRef] {
        try await store.saveAttachments(files, brand: brand)
    }

    /// Adds a reply, a note or an inbound message to a case, moving its status where the
    /// interaction calls for it (a customer writing again reopens it).
    /// An internal note by a colleague notifies the colleagues it mentions ("@Ola Nowak").
    public func addInteraction(caseID: CaseID, brand: BrandID, actor: Actor, request given: NewInteraction) async throws -> (Case, Interaction) {
        var request = given
        if request.direction == .internal, actor.kind == .staff, let author = actor.id, request.body.contains("@") {
            request.notices += try await mentionNotices(in: request.body, by: author, brand: brand)
        }
        return try await store.addInteraction(caseID: caseID, brand: brand, actor: actor, request: request)
    }

    /// Notifications for the colleagues `text` mentions, the author left out.
    func mentionNotices(in text: String, by author: UserID, brand: BrandID) async throws -> [StaffNotice] {
        let staff = try await store.staffUsers(brand: brand)
        let people = staff.map { Mentions.Person(id: $0.id, name: $0.name, email: $0.email) }
        let name = staff.first { $0.id == author }?.name ?? "A colleague"
        return Mentions.find(in: text, among: people).filter { $0 != author }.map {
            StaffNotice(userID: $0, reason: NoticeReason.mentioned(by: name).text, what: Mentions.excerpt(text))
        }
    }

    /// The interactions of a case, oldest first.
    public func interactions(caseID: CaseID, brand: BrandID, limit: Int = 500) async throws -> [Interaction] {
        try await store.interactions(caseID: caseID, brand: brand, limit: limit)
    }

    /// Cases matching `filter`, newest first.
    public func cases(brand: BrandID, filter: CaseFilter, limit: Int, cursor: Cursor?) async throws -> Page<Case> {
        try await store.cases(brand: brand, filter: filter, limit: limit, cursor: cursor)
    }

    /// How many cases match each filter, read in one transaction (the console's queue counts).
    /// Counts are exact up to this many; beyond it a count says one more ("10,000+").
    public static let countBound = Store.countBound

    public func caseCounts(brand: BrandID, filters: [CaseFilter]) async throws -> [Int] {
        try await store.caseCounts(brand: brand, filters: filters)
    }

    /// Links two cases of a brand as related (both directions).
    public func linkCases(_ id: CaseID, to other: CaseID, brand: BrandID, actor: Actor) async throws {
        try await store.linkCases(id, to: other, brand: brand, actor: actor)
    }

    /// Merges `source` into `target`: the source's interactions move to the target, the
    /// source is closed and points at the target.
    public func mergeCase(_ source: CaseID, into target: CaseID, brand: BrandID, actor: Actor) async throws -> Case {
        try await store.mergeCase(source, into: target, brand: brand, actor: actor)
    }

    /// The cases linked to this one as related.
    public func links(caseID: CaseID, brand: BrandID) async throws -> [CaseLink] {
        try await store.links(caseID: caseID, brand: brand)
    }
}
