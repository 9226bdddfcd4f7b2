import Foundation
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

@Suite("Timelines, merges, accounts and commitments")
struct TimelineStoreTests {
    @Test(arguments: Backend.available)
    func theTimelineShowsEveryContactPointNewestFirst(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let contact = try await store.createContact(brand: fx.brand.id, actor: .staff(fx.agent.id), accountID: nil, name: "Jan", title: nil,
                                                        preferredContactPoint: nil,
                                                        identities: [Identity(storedKind: .email, value: "jan@example.com"), Identity(storedKind: .phone, value: "+48600100200")])
            let t0 = Date(timeIntervalSince1970: 1_790_000_000)
            let byMail = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("jan@example.com", at: t0))
            let byPhone = try await store.openCase(brand: fx.brand.id, actor: nil, request: OpenCase(
                contactPoint: .phone, from: Identity(storedKind: .phone, value: "+48600100200"), subject: "Call", body: "Called about the meter",
                occurredAt: t0.addingTimeInterval(3600)))
            #expect(byMail.case.contactID == contact.id && byPhone.case.contactID == contact.id)
            let page = try await store.contactTimeline(contact.id, brand: fx.brand.id, limit: 50, cursor: nil)
            let interactions = page.items.compactMap { if case .interaction(let item) = $0 { item } else { nil } }
            #expect(interactions.map(\.contactPoint) == [.phone, .email])
            #expect(interactions.first?.nature == .high)
            let times = page.items.map(\.occurredAt)
            #expect(times == times.sorted(by: >))
            // Case events are on the timeline; the interaction.added audit events are not.
            let events = page.items.compactMap { if case .event(let item) = $0 { item.type } else { nil } }
            #expect(events.contains(.caseCreated) && events.contains(.contactCreated) && !events.contains(.interactionAdded))
        }
    }

    @Test(arguments: Backend.available)
    func timelinePagesCoverEverythingOnce(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let opened = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("t@example.com"))
            for index in 0..<25 {
                _ = try await store.addInteraction(caseID: opened.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                                   request: NewInteraction(direction: index % 2 == 0 ? .outbound : .inbound, body: "message \(index)"))
            }
            var ids: [UUID] = []
            var cursor: Cursor?
            repeat {
                let page = try await store.contactTimeline(opened.case.contactID, brand: fx.brand.id, limit: 7, cursor: cursor)
                ids += page.items.map(\.id)
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
            } while cursor != nil
            #expect(Set(ids).count == ids.count)
            let everything = try await store.contactTimeline(opened.case.contactID, brand: fx.brand.id, limit: 200, cursor: nil)
            #expect(ids == everything.items.map(\.id))
            #expect(everything.items.filter { if case .interaction = $0 { true } else { false } }.count == 26)
        }
    }

    @Test(arguments: Backend.available)
    func mergedContactsShareOneHistoryUntilAnAdminUndoesIt(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let byMail = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("anna@example.com"))
            let bySMS = try await store.openCase(brand: fx.brand.id, actor: nil, request: OpenCase(
                contactPoint: .sms, from: Identity(storedKind: .phone, value: "+48600999888"), subject: "SMS", body: "Is my payment in?"))
            let survivor = byMail.case.contactID
            let duplicate = bySMS.case.contactID
            #expect(survivor != duplicate)
            _ = try await store.mergeContacts(survivor: survivor, duplicate: duplicate, brand: fx.brand.id, actor: .staff(fx.agent.id), reason: "same person")
            var page = try await store.contactTimeline(survivor, brand: fx.brand.id, limit: 50, cursor: nil)
            let points: [ContactPoint] = page.items.compactMap { if case .interaction(let item) = $0 { item.contactPoint } else { nil } }
            #expect(Set(points) == [.email, .sms])
            let duplicateTimeline = try await store.contactTimeline(duplicate, brand: fx.brand.id, limit: 50, cursor: nil)
            #expect(duplicateTimeline.items.contains { if case .event(let event) = $0 { event.type == .contactMerged } else { false } })
            // New contact through the duplicate's identity reaches the survivor.
            // (A case of its own, not a continuation of the survivor's: this is about what an
            // unmerge takes back.)
            var again = OpenCase(contactPoint: .sms, from: Identity(storedKind: .phone, value: "+48600999888"), subject: "Again", body: "Hello")
            again.mayContinue = false
            let later = try await store.openCase(brand: fx.brand.id, actor: nil, request: again)
            #expect(later.case.contactID == survivor)
            // ...and writes on the survivor's own case too.
            let (_, metoo) = try await store.addInteraction(
                caseID: byMail.case.id, brand: fx.brand.id, actor: .contact(survivor),
                request: NewInteraction(direction: .inbound, contactPoint: .sms, body: "Same here", from: Identity(storedKind: .phone, value: "+48600999888")))
            #expect(metoo.contactID == survivor)
            await #expect(throws: StoreError.self) {
                try await store.mergeContacts(survivor: survivor, duplicate: duplicate, brand: fx.brand.id, actor: .staff(fx.agent.id), reason: nil)
            }
            _ = try await store.unmergeContact(duplicate, brand: fx.brand.id, actor: .staff(fx.admin.id), reason: "different people")
            page = try await store.contactTimeline(survivor, brand: fx.brand.id, limit: 50, cursor: nil)
            #expect(!page.items.contains { if case .interaction(let item) = $0 { item.id == bySMS.interaction.id } else { false } })
            let restored = try await store.contact(duplicate, brand: fx.brand.id)
            #expect(restored.mergedInto == nil)
            // What the duplicate's phone sent while merged goes back with it: the case it opened
            // and its message on the survivor's case (which stays the survivor's).
            #expect(try await store.case(later.case.id, brand: fx.brand.id).contactID == duplicate)
            #expect(try await store.interaction(later.interaction.id, brand: fx.brand.id).contactID == duplicate)
            #expect(try await store.interaction(metoo.id, brand: fx.brand.id).contactID == duplicate)
            #expect(try await store.case(byMail.case.id, brand: fx.brand.id).contactID == survivor)
            #expect(try await store.interaction(byMail.interaction.id, brand: fx.brand.id).contactID == survivor)
            let back = try await store.contactTimeline(duplicate, brand: fx.brand.id, limit: 50, cursor: nil).items
            let unmerged = back.compactMap { if case .event(let event) = $0, event.type == .contactUnmerged { event } else { nil } }.first
            #expect(unmerged?.payload["messagesReturned"] == .int(2), "\(String(describing: unmerged?.payload))")
            #expect(unmerged?.payload["casesReturned"] == .array([.int(later.case.number)]))
        }
    }

    @Test(arguments: Backend.available)
    func accountsRecordProfileChangesAndCommitmentsShowOnTheAccount(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let account = try await store.createAccount(brand: fx.brand.id, actor: .staff(fx.csm.id), name: "Baltic Foods",
                                                        profile: AccountProfile(annualValue: 50_000, complexity: .medium, stage: .adoption, ownerCSM: fx.csm.id))
            await #expect(throws: StoreError.invalid(field: "ownerCSM", reason: "staff user \(fx.agent.id.text) is a agentL1, not a CSM")) {
                try await store.updateAccount(account.id, brand: fx.brand.id, actor: .staff(fx.csm.id), changes: AccountChanges(ownerCSM: .some(fx.agent.id)))
            }
            let updated = try await store.updateAccount(account.id, brand: fx.brand.id, actor: .staff(fx.csm.id),
                                                        changes: AccountChanges(stage: .atRisk, healthScore: 22))
            #expect(updated.profile.stage == .atRisk && updated.profile.healthScore == 22)
            let contact = try await store.createContact(brand: fx.brand.id, actor: .staff(fx.csm.id), accountID: account.id, name: "Buyer", title: "decision maker",
                                                        preferredContactPoint: .phone, identities: [Identity(storedKind: .email, value: "buyer@baltic.example")])
            let opened = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("buyer@baltic.example"))
            #expect(opened.case.accountID == account.id)
            let due = Date().addingTimeInterval(86_400)
            let promise = try await store.createCommitment(brand: fx.brand.id, actor: .staff(fx.agent.id), accountID: account.id, caseID: opened.case.id,
                                                           what: "Call back with the corrected invoice", dueAt: due, ownerID: nil)
            #expect(promise.ownerID == fx.agent.id)
            #expect(try await store.commitments(accountID: account.id, brand: fx.brand.id, includeSettled: false).map(\.id) == [promise.id])
            _ = try await store.updateCommitment(promise.id, brand: fx.brand.id, actor: .staff(fx.agent.id), changes: CommitmentChanges(status: .kept))
            #expect(try await store.commitments(accountID: account.id, brand: fx.brand.id, includeSettled: false).isEmpty)
            await #expect(throws: StoreError.self) {
                try await store.updateCommitment(promise.id, brand: fx.brand.id, actor: .staff(fx.agent.id), changes: CommitmentChanges(status: .broken))
            }
            let timeline = try await store.accountTimeline(account.id, brand: fx.brand.id, limit: 50, cursor: nil)
            let types = timeline.items.compactMap { if case .event(let event) = $0 { event.type } else { nil } }
            #expect(types.contains(.accountUpdated) && types.contains(.commitmentCreated) && types.contains(.commitmentUpdated) && types.contains(.caseCreated))
            #expect(timeline.items.contains { if case .interaction(let item) = $0 { item.contactID == contact.id } else { false } })
            let updateEvent = timeline.items.compactMap { if case .event(let event) = $0, event.type == .accountUpdated { event } else { nil } }.first
            #expect(updateEvent?.payload["fields"] == .array([.string("stage"), .string("healthScore")]))
        }
    }

    @Test(arguments: Backend.available)
    func identitiesBelongToOneContactOnly(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let first = try await store.createContact(brand: fx.brand.id, actor: .system, accountID: nil, name: "One", title: nil, preferredContactPoint: nil,
                                                      identities: [Identity(storedKind: .email, value: "one@example.com")])
            await #expect(throws: StoreError.self) {
                try await store.createContact(brand: fx.brand.id, actor: .system, accountID: nil, name: "Two", title: nil, preferredContactPoint: nil,
                                              identities: [Identity(storedKind: .email, value: "one@example.com")])
            }
            let updated = try await store.updateContact(first.id, brand: fx.brand.id, actor: .system, changes: ContactChanges(
                name: .some("One Person"), addIdentities: [Identity(storedKind: .whatsApp, value: "+48600100300")]))
            #expect(updated.identities.count == 2)
            let found = try await store.contacts(brand: fx.brand.id, accountID: nil, identity: Identity(storedKind: .whatsApp, value: "+48600100300"),
                                                 query: nil, limit: 10, cursor: nil)
            #expect(found.items.map(\.id) == [first.id])
        }
    }

    @Test(arguments: Backend.available)
    func tokensAreStoredHashedAndResolveToTheirUser(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let (token, user) = try await store.createToken(email: "Agent@Acme.example", name: "test", scope: .read)
            #expect(user.id == fx.agent.id)
            let principal = try await store.principal(forToken: token)
            #expect(principal == Principal(userID: fx.agent.id, brandID: fx.brand.id, role: .agentL1, scope: .read))
            #expect(try await store.principal(forToken: token + "x") == nil)
            let stored = try await store.database.read { db in try await db.raw("SELECT token_hash FROM api_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) } }
            #expect(stored.count == 1 && stored[0] != token && stored[0].count == 64)
        }
    }

    @Test(arguments: Backend.available)
    func migrationsAreIdempotent(backend: Backend) async throws {
        try await withStore(backend) { store in
            let applied = try await Migrator.migrate(store.database)
            let version = try await Migrator.currentVersion(store.database)
            #expect(applied.isEmpty)
            #expect(version == Migrator.latestVersion)
        }
    }
}
