import Foundation
import SQLKit
import Testing
import TouchpointCore
@testable import TouchpointStore
import TouchpointTestSupport

@Suite("Cases, contacts and the one history, on every database")
struct CaseStoreTests {
    @Test(arguments: Backend.available)
    func openingACaseResolvesOrCreatesTheContact(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup
            let fx = try await Fixture.make(store)
            // act
            let first = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("Jan@Example.com"))
            let second = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("jan@example.COM", subject: "Again"))
            // check
            #expect(first.contactCreated)
            #expect(!second.contactCreated)
            #expect(first.case.contactID == second.case.contactID)
            #expect(first.case.number == 1)
            #expect(second.case.number == 2)
            let contact = try await store.contact(first.case.contactID, brand: fx.brand.id)
            #expect(contact.identities == [Identity(storedKind: .email, value: "jan@example.com")])
            let events = try await store.auditLog(brand: fx.brand.id, caseID: first.case.id, limit: 10, cursor: nil)
            #expect(Set(events.items.map(\.type)) == [.caseCreated, .interactionAdded, .caseRouted])
        }
    }

    @Test(arguments: Backend.available)
    func aRepeatedProviderMessageIdIsStoredOnce(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let first = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("a@example.com", providerID: "<m1@mx>"))
            let again = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("a@example.com", providerID: "<m1@mx>"))
            #expect(again.duplicate)
            #expect(again.case.id == first.case.id)
            let page = try await store.cases(brand: fx.brand.id, filter: CaseFilter(), limit: 10, cursor: nil)
            #expect(page.items.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func caseNumbersCountPerBrandAndBrandsNeverSeeEachOther(backend: Backend) async throws {
        try await withStore(backend) { store in
            let acme = try await Fixture.make(store, slug: "acme")
            let globex = try await Fixture.make(store, slug: "globex")
            let a = try await store.openCase(brand: acme.brand.id, actor: nil, request: try acme.email("x@example.com"))
            let g = try await store.openCase(brand: globex.brand.id, actor: nil, request: try globex.email("x@example.com"))
            #expect(a.case.number == 1 && g.case.number == 1)
            // The same address is two different contacts in two brands.
            #expect(a.case.contactID != g.case.contactID)
            await #expect(throws: StoreError.notFound("case \(a.case.id.text)")) { try await store.case(a.case.id, brand: globex.brand.id) }
            await #expect(throws: StoreError.self) { try await store.contactTimeline(a.case.contactID, brand: globex.brand.id, limit: 10, cursor: nil) }
            await #expect(throws: StoreError.self) {
                try await store.updateCase(a.case.id, brand: globex.brand.id, actor: .staff(globex.agent.id), update: CaseUpdate(priority: .high))
            }
            // Assigning to staff of another brand is refused.
            await #expect(throws: StoreError.invalid(field: "assigneeId", reason: "no staff user \(globex.agent.id.text) in this brand")) {
                try await store.updateCase(a.case.id, brand: acme.brand.id, actor: .staff(acme.agent.id), update: CaseUpdate(assigneeID: .some(globex.agent.id)))
            }
            let globexCases = try await store.cases(brand: globex.brand.id, filter: CaseFilter(), limit: 10, cursor: nil)
            #expect(globexCases.items.map(\.id) == [g.case.id])
        }
    }

    @Test(arguments: Backend.available)
    func concurrentCaseCreationGivesUniqueNumbers(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<60 {
                    group.addTask { try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("c\(index % 7)@example.com")).case.number }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...60))
            let contacts = try await store.contacts(brand: fx.brand.id, accountID: nil, identity: nil, query: nil, limit: 100, cursor: nil)
            #expect(contacts.items.count == 7)
        }
    }

    @Test(arguments: Backend.available)
    func aFailingCommandInABatchLeavesNothingAndTheOthersCommit(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        // Every fifth command names a team that does not exist and must fail whole.
                        var request = try! fx.email("batch\(index)@example.com")
                        if index % 5 == 0 { request.teamID = UUID() }
                        return (try? await store.openCase(brand: fx.brand.id, actor: nil, request: request)) != nil
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 16)
            let cases = try await store.cases(brand: fx.brand.id, filter: CaseFilter(), limit: 100, cursor: nil)
            #expect(cases.items.count == 16)
            // The failed commands created no contact either.
            let contacts = try await store.contacts(brand: fx.brand.id, accountID: nil, identity: nil, query: nil, limit: 100, cursor: nil)
            #expect(contacts.items.count == 16)
            #expect(!contacts.items.contains { $0.identities.first?.value == "batch0@example.com" })
        }
    }

    @Test(arguments: Backend.available)
    func statusRulesHoldAndInteractionsMoveStatus(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let opened = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("s@example.com"))
            let actor = Actor.staff(fx.agent.id)
            await #expect(throws: StoreError.self) {
                try await store.updateCase(opened.case.id, brand: fx.brand.id, actor: actor, update: CaseUpdate(status: .closed))
            }
            let (afterReply, _) = try await store.addInteraction(caseID: opened.case.id, brand: fx.brand.id, actor: actor,
                                                                 request: NewInteraction(direction: .outbound, body: "We are on it"))
            #expect(afterReply.status == .open)
            _ = try await store.updateCase(opened.case.id, brand: fx.brand.id, actor: actor, update: CaseUpdate(status: .resolved))
            let (reopened, _) = try await store.addInteraction(caseID: opened.case.id, brand: fx.brand.id, actor: actor,
                                                               request: NewInteraction(direction: .inbound, body: "Still broken"))
            #expect(reopened.status == .open)
            _ = try await store.updateCase(opened.case.id, brand: fx.brand.id, actor: actor, update: CaseUpdate(status: .resolved))
            let closed = try await store.updateCase(opened.case.id, brand: fx.brand.id, actor: actor, update: CaseUpdate(status: .closed))
            #expect(closed.status == .closed)
            await #expect(throws: StoreError.self) {
                try await store.addInteraction(caseID: opened.case.id, brand: fx.brand.id, actor: actor, request: NewInteraction(direction: .inbound, body: "Hello?"))
            }
            let stored = try await store.case(opened.case.id, brand: fx.brand.id)
            #expect(stored.status == .closed)
            #expect(try await store.interactions(caseID: opened.case.id, brand: fx.brand.id).count == 3)
        }
    }

    @Test(arguments: Backend.available)
    func fullTextSearchFindsWordsAndSurvivesHostileQueries(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let invoice = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("f@example.com", subject: "Invoice question", body: "The amount is wrong"))
            _ = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("g@example.com", subject: "Outage", body: "No power since morning"))
            _ = try await store.addInteraction(caseID: invoice.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "A corrected statement follows"))
            // The last word is a prefix, as typed so far: read as the words it begins, or as a prefix
            // query when more than a few words begin with it.
            let many = try await store.openCase(
                brand: fx.brand.id, actor: nil,
                request: try fx.email("h@example.com", subject: "Codes", body: (0..<40).map { "qx\($0)y" }.joined(separator: " ")))
            #expect(try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "qx"), limit: 10, cursor: nil).items.map(\.id) == [many.case.id])
            #expect(try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "qx3"), limit: 10, cursor: nil).items.map(\.id) == [many.case.id])
            for query in ["invoice", "amount wrong", "corrected statement", "invo", "amount wro", "corr", "Invoice QUESTI"] {
                let page = try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: query), limit: 10, cursor: nil)
                #expect(page.items.map(\.id) == [invoice.case.id], "query \(query)")
            }
            for hostile in ["\"", "AND OR NOT", "power\" OR \"x", "*", "NEAR(", "'; DROP TABLE cases; --", "\0", "\u{1}\u{7f}"] {
                _ = try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: hostile), limit: 10, cursor: nil)
            }
            // A NUL or another control character (`q=%00` in a URL) is a space, not an error.
            let withNUL = try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "invoice\0question"), limit: 10, cursor: nil)
            #expect(withNUL.items.map(\.id) == [invoice.case.id])
            let all = try await store.cases(brand: fx.brand.id, filter: CaseFilter(), limit: 10, cursor: nil)
            #expect(all.items.count == 3)
        }
    }

    @Test(arguments: Backend.available)
    func casesByContactPointPageNewestFirstFromThatPointsOwnList(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: 60 email cases, every fourth later answered by SMS, every eighth resolved; another brand's SMS too.
            let fx = try await Fixture.make(store)
            let other = try await Fixture.make(store, slug: "other")
            var bySMS: [Case] = []
            for index in 0..<60 {
                let item = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("p\(index)@example.com", subject: "Case \(index)"))
                if index % 4 == 0 {
                    _ = try await store.addInteraction(
                        caseID: item.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                        request: NewInteraction(direction: .outbound, contactPoint: .sms, body: "Texted the customer"))
                    bySMS.append(item.case)
                }
                if index % 8 == 0 {
                    _ = try await store.updateCase(item.case.id, brand: fx.brand.id, actor: .system, update: CaseUpdate(status: .resolved))
                }
            }
            _ = try await store.openCase(
                brand: other.brand.id, actor: nil,
                request: OpenCase(contactPoint: .sms, from: try Identity(kind: .phone, raw: "+48600100900"), subject: "Other", body: "SMS"))

            // act: every page of the SMS cases, 4 at a time.
            var seen: [CaseID] = []
            var cursor: Cursor?
            repeat {
                let page = try await store.cases(brand: fx.brand.id, filter: CaseFilter(contactPoint: .sms), limit: 4, cursor: cursor)
                seen += page.items.map(\.id)
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
            } while cursor != nil

            // check: the cases reached by SMS, newest first, once; with the rest of the filter.
            #expect(seen == bySMS.reversed().map(\.id))
            let resolved = try await store.cases(brand: fx.brand.id, filter: CaseFilter(statuses: [.resolved], contactPoint: .sms), limit: 50, cursor: nil)
            #expect(resolved.items.map(\.id) == bySMS.enumerated().filter { $0.offset % 2 == 0 }.map(\.element.id).reversed())
            #expect(try await store.cases(brand: fx.brand.id, filter: CaseFilter(contactPoint: .whatsApp), limit: 50, cursor: nil).items.isEmpty)
            // A merge takes the source's contact points to the target.
            var separate = try fx.email("q@example.com", subject: "Target")
            separate.mayContinue = false
            let target = try await store.openCase(brand: fx.brand.id, actor: nil, request: separate)
            _ = try await store.mergeCase(try #require(bySMS.first).id, into: target.case.id, brand: fx.brand.id, actor: .system)
            let after = try await store.cases(brand: fx.brand.id, filter: CaseFilter(contactPoint: .sms), limit: 1, cursor: nil)
            #expect(after.items.map(\.id) == [target.case.id])
        }
    }

    @Test(arguments: Backend.available)
    func aTextThreadContinuesInTheCaseItWasMergedInto(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: a WhatsApp message opens a case; the same customer's call opens another,
            // and the agent merges the WhatsApp case into the call's
            let fx = try await Fixture.make(store)
            let whatsApp = try await store.createIntegration(id: "wa-in", brand: fx.brand.id, kind: .whatsApp, name: "WhatsApp", secret: "s3cret")
            func text(_ id: String, _ body: String) async throws -> TextIntakeResult {
                try await store.processText(InboundText(messageID: id, from: "+48600100301", to: nil, text: body, media: [], receivedAt: nil),
                                            integration: whatsApp, envelope: UUID())
            }
            let first = try await text("wa-1", "My meter shows E5")
            // (Logged as a case of its own, as before continuing existed, to be merged by hand.)
            var called = OpenCase(contactPoint: .phone, from: try Identity(kind: .whatsApp, raw: "+48600100301"), subject: "Call about the meter", body: "E5 again")
            called.mayContinue = false
            let call = try await store.openCase(brand: fx.brand.id, actor: nil, request: called)
            #expect(call.case.contactID == (try await store.case(try #require(first.caseID), brand: fx.brand.id)).contactID)
            _ = try await store.mergeCase(try #require(first.caseID), into: call.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id))
            // act: the customer writes again on WhatsApp
            let next = try await text("wa-2", "Any news?")
            // check: the message joins the case the thread was merged into, no new case
            #expect(next.caseID == call.case.id && !next.opened)
            let reached = try await store.cases(brand: fx.brand.id, filter: CaseFilter(contactPoint: .whatsApp), limit: 10, cursor: nil).items.map(\.id)
            #expect(Set(reached) == [call.case.id, try #require(first.caseID)], "the merged case and its target, no third")
        }
    }

    @Test(arguments: Backend.available)
    func searchPagesNewestFirstOnceACaseAndOnlyTheBrandsOwn(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: 130 cases that say "meter", every third also in a reply, every fifth resolved; another brand's too.
            let fx = try await Fixture.make(store)
            let other = try await Fixture.make(store, slug: "other")
            var opened: [Case] = []
            for index in 0..<130 {
                let item = try await store.openCase(
                    brand: fx.brand.id, actor: nil, request: try fx.email("m\(index)@example.com", subject: "Meter \(index)", body: "The meter blinks"))
                if index % 3 == 0 {
                    _ = try await store.addInteraction(
                        caseID: item.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                        request: NewInteraction(direction: .outbound, body: "Please send a photo of the meter"))
                }
                if index % 5 == 0 {
                    _ = try await store.updateCase(item.case.id, brand: fx.brand.id, actor: .system, update: CaseUpdate(status: .resolved))
                }
                opened.append(item.case)
                _ = try await store.openCase(brand: other.brand.id, actor: nil, request: try other.email("o\(index)@example.com", subject: "Meter"))
            }
            _ = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("x@example.com", subject: "Outage"))

            // act: every page of a search for "meter", 50 at a time.
            var seen: [CaseID] = []
            var cursor: Cursor?
            repeat {
                let page = try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "meter"), limit: 50, cursor: cursor)
                seen += page.items.map(\.id)
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
            } while cursor != nil

            // check: each of the brand's matching cases once, newest first.
            #expect(seen == opened.reversed().map(\.id))
            // The rest of the filter applies to the matches.
            let resolved = try await store.cases(
                brand: fx.brand.id, filter: CaseFilter(statuses: [.resolved], text: "photo"), limit: 50, cursor: nil)
            #expect(resolved.items.map(\.id) == opened.enumerated().filter { $0.offset % 15 == 0 }.map(\.element.id).reversed())
            #expect(try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "nothing-like-this"), limit: 50, cursor: nil).items.isEmpty)

            // A merge makes the source's words find the target.
            let target = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("t@example.com", subject: "Tariff"))
            let source = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("t@example.com", subject: "Zebra crossing"))
            _ = try await store.mergeCase(source.case.id, into: target.case.id, brand: fx.brand.id, actor: .system)
            #expect(try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "zebra"), limit: 10, cursor: nil).items.map(\.id) == [target.case.id])
        }
    }

    @Test(arguments: Backend.available)
    func textsWrittenInOneCommitAreAllFoundAndARolledBackCommandLeavesNone(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: 40 cases; on SQLite the texts of a commit are held and written sorted at the end.
            let fx = try await Fixture.make(store)
            var opened: [Case] = []
            for index in 0..<40 {
                opened.append(try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("w\(index)@example.com", subject: "Case \(index)")).case)
            }

            // act: replies to every case at once, newest and oldest mixed, and commands that
            // index a text and then fail, so they are rolled back inside a shared commit.
            let cases = opened
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, item) in cases.enumerated().shuffled() {
                    group.addTask {
                        _ = try await store.addInteraction(caseID: item.id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                                           request: NewInteraction(direction: .outbound, body: "Reading quokka\(index)x"))
                    }
                    if index % 4 == 0 {
                        group.addTask {
                            let failed = await #expect(throws: StoreError.self) {
                                try await store.database.write { db in
                                    try await Store.index(text: "ghost wombat\(index)", brand: fx.brand.id, caseID: item.id, number: item.number, on: db)
                                    throw StoreError.conflict("rolled back on purpose")
                                }
                            }
                            _ = failed
                        }
                    }
                }
                try await group.waitForAll()
            }
            // A second reply to one case goes after its first in the case's texts.
            _ = try await store.addInteraction(caseID: opened[3].id, brand: fx.brand.id, actor: .staff(fx.agent.id),
                                               request: NewInteraction(direction: .outbound, body: "Reading quokka3x again"))

            // check: each reply finds its case; nothing of the failed commands is searchable.
            for (index, item) in opened.enumerated() {
                let found = try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "quokka\(index)x"), limit: 5, cursor: nil)
                #expect(found.items.map(\.id) == [item.id], "quokka\(index)x")
            }
            #expect(try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "ghost"), limit: 5, cursor: nil).items.isEmpty)
            #expect(try await store.cases(brand: fx.brand.id, filter: CaseFilter(text: "again"), limit: 5, cursor: nil).items.map(\.id) == [opened[3].id])
            let texts = try await store.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM case_search WHERE case_id = \(bind: cases[3].id.text)").first()?.int("n")
            }
            #expect(texts == 3)
        }
    }

    @Test(arguments: Backend.available)
    func listFiltersAndCursorPagination(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let t0 = Date(timeIntervalSince1970: 1_790_000_000)
            var ids: [CaseID] = []
            for index in 0..<7 {
                var request = try fx.email("p\(index)@example.com", at: t0.addingTimeInterval(Double(index) * 60))
                if index % 2 == 0 { request.contactPoint = .webChat; request.from = Identity(storedKind: .chatVisitor, value: "v\(index)") }
                ids.append(try await store.openCase(brand: fx.brand.id, actor: nil, request: request).case.id)
            }
            _ = try await store.updateCase(ids[1], brand: fx.brand.id, actor: .staff(fx.agent.id),
                                           update: CaseUpdate(level: .intermediate, teamID: .some(fx.team.id), assigneeID: .some(fx.agent.id)))
            var seen: [CaseID] = []
            var cursor: Cursor?
            repeat {
                let page = try await store.cases(brand: fx.brand.id, filter: CaseFilter(), limit: 3, cursor: cursor)
                seen += page.items.map(\.id)
                cursor = try page.nextCursor.map { try Cursor(token: $0) }
            } while cursor != nil
            #expect(seen == ids.reversed())
            let chats = try await store.cases(brand: fx.brand.id, filter: CaseFilter(contactPoint: .webChat), limit: 10, cursor: nil)
            #expect(chats.items.count == 4)
            let mine = try await store.cases(brand: fx.brand.id, filter: CaseFilter(assigneeID: fx.agent.id), limit: 10, cursor: nil)
            #expect(mine.items.map(\.id) == [ids[1]])
            let level2 = try await store.cases(brand: fx.brand.id, filter: CaseFilter(teamID: fx.team.id, level: .intermediate), limit: 10, cursor: nil)
            #expect(level2.items.map(\.id) == [ids[1]])
            let unassigned = try await store.cases(brand: fx.brand.id, filter: CaseFilter(statuses: [.new], unassigned: true), limit: 10, cursor: nil)
            #expect(unassigned.items.count == 6)
        }
    }

    @Test(arguments: Backend.available)
    func theDeadlineOrderListsTheBacklogByWhatIsDueFirst(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let t0 = Date(timeIntervalSince1970: 1_790_000_000)
            var ids: [CaseID] = []
            for index in 0..<7 {
                ids.append(try await store.openCase(brand: fx.brand.id, actor: nil,
                                                    request: try fx.email("d\(index)@example.com", at: t0.addingTimeInterval(Double(index) * 60))).case.id)
            }
            let staff = Actor.staff(fx.agent.id)
            // The newest case becomes urgent (a shorter target), one waits on the customer (its
            // clocks pause), one is resolved (it leaves the backlog), one is high priority.
            _ = try await store.updateCase(ids[6], brand: fx.brand.id, actor: staff, update: CaseUpdate(priority: .urgent))
            _ = try await store.updateCase(ids[1], brand: fx.brand.id, actor: staff, update: CaseUpdate(status: .pending))
            _ = try await store.updateCase(ids[2], brand: fx.brand.id, actor: staff, update: CaseUpdate(status: .resolved))
            _ = try await store.updateCase(ids[4], brand: fx.brand.id, actor: staff, update: CaseUpdate(priority: .high))

            func all(_ filter: CaseFilter) async throws -> [CaseID] {
                var seen: [CaseID] = []
                var cursor: Cursor?
                repeat {
                    let page = try await store.cases(brand: fx.brand.id, filter: filter, limit: 2, cursor: cursor)
                    seen += page.items.map(\.id)
                    cursor = try page.nextCursor.map { try Cursor(token: $0) }
                } while cursor != nil
                return seen
            }
            // The order worked out from the cases themselves: running deadline first, then
            // the rest of the backlog longest waiting first.
            var cases: [Case] = []
            for id in ids { cases.append(try await store.case(id, brand: fx.brand.id)) }
            let expected = cases.filter(\.status.isActive).sorted {
                ($0.sla?.deadline ?? .distantFuture, $0.createdAt) < ($1.sla?.deadline ?? .distantFuture, $1.createdAt)
            }.map(\.id)
            let byDeadline = try await all(CaseFilter(order: .deadline))
            #expect(byDeadline == expected)
            #expect(byDeadline.first == ids[6], "the urgent case is due first")
            #expect(byDeadline.last == ids[1], "the paused case has no running deadline")
            #expect(!byDeadline.contains(ids[2]), "a resolved case is not in the backlog")
            #expect(try await all(CaseFilter(order: .oldest)) == ids)
            #expect(try await all(CaseFilter(order: .newest)) == ids.reversed())
            #expect(try await all(CaseFilter(priority: .high, order: .oldest)) == [ids[4]])
            let counts = try await store.caseCounts(brand: fx.brand.id, filters: [CaseFilter(order: .deadline), CaseFilter(priority: .urgent)])
            #expect(counts == [6, 1])

            // Reopened, it is back in its place; cases stored before the order existed get
            // their place when the migration's backfill runs.
            _ = try await store.updateCase(ids[2], brand: fx.brand.id, actor: staff, update: CaseUpdate(status: .open))
            try await store.database.write { db in try await db.raw("UPDATE cases SET deadline_key = NULL").run() }
            #expect(try await all(CaseFilter(order: .deadline)).isEmpty)
            #expect(try await store.backfillDeadlines() == 7)
            let reopened = try await store.case(ids[2], brand: fx.brand.id)
            #expect(reopened.sla?.deadline != nil)
            #expect(try await all(CaseFilter(order: .deadline)).contains(ids[2]))
            #expect(try await all(CaseFilter(order: .deadline)).count == 7)
        }
    }

    @Test(arguments: Backend.available)
    func oneNeedOnEveryContactPointStaysOneCase(backend: Backend) async throws {
        try await withStore(backend) { store in
            // setup: a customer we know by email, mobile number and WhatsApp.
            let fx = try await Fixture.make(store)
            let brand = fx.brand.id
            let ewa = try await store.createContact(brand: brand, actor: .system, accountID: nil, name: "Ewa Nowak", title: nil, preferredContactPoint: .email,
                                                    identities: [try Identity(kind: .email, raw: "ewa@example.org"), try Identity(kind: .phone, raw: "+48600100200"),
                                                                 try Identity(kind: .whatsApp, raw: "+48600100200")])
            let sms = try await store.createIntegration(id: "sms-in", brand: brand, kind: .sms, name: "SMS", secret: "s")
            func open(_ point: ContactPoint, _ identity: Identity, _ body: String, topic: String? = nil) async throws -> OpenedCase {
                try await store.openCase(brand: brand, actor: nil, request: OpenCase(contactPoint: point, from: identity, subject: body, body: body, topic: topic))
            }
            // act: she emails about a fault, then texts, phones and uses the portal about it.
            let mail = try await open(.email, try Identity(kind: .email, raw: "ewa@example.org"), "My meter shows E5")
            #expect(!mail.continued)
            let text = try await store.processText(InboundText(messageID: "s-1", from: "+48600100200", to: nil, text: "Meter still E5", media: [], receivedAt: nil),
                                                   integration: sms, envelope: UUID())
            let call = try await open(.phone, try Identity(kind: .phone, raw: "+48600100200"), "Call: E5 on the meter")
            let portal = try await open(.portal, try Identity(kind: .email, raw: "ewa@example.org"), "E5 error")
            // check: one case, her messages on four contact points in it, each continuation explained.
            #expect(text.caseID == mail.case.id && !text.opened)
            #expect(call.continued && call.case.id == mail.case.id && portal.continued && portal.case.id == mail.case.id)
            let messages = try await store.interactions(caseID: mail.case.id, brand: brand)
            #expect(messages.map(\.contactPoint) == [.email, .sms, .phone, .portal] && messages.allSatisfy { $0.contactID == ewa.id })
            let continued = try await store.events(brand: brand, since: .distantPast).filter { $0.type == .caseContinued && $0.caseID == mail.case.id }
            #expect(continued.count == 3)
            #expect(continued.contains { $0.payload["why"] == .string("same customer, case active just now on Email, SMS, nothing on Phone yet") })

            // A new email thread is a new conversation on a contact point the case has: its
            // own case. So is anything after the window (24 h by default).
            let second = try await open(.email, try Identity(kind: .email, raw: "ewa@example.org"), "And my address changed")
            #expect(!second.continued && second.case.id != mail.case.id)
            try await store.database.write { db in
                try await db.raw("UPDATE cases SET updated_at = \(bind: Int(Date().timeIntervalSince1970 * 1000) - 25 * 3_600_000) WHERE id = \(bind: mail.case.id.text)").run()
            }
            let whatsApp = try await open(.whatsApp, try Identity(kind: .whatsApp, raw: "+48600100200"), "Address again")
            #expect(whatsApp.continued && whatsApp.case.id == second.case.id, "the newest active case within the window")
            try await store.database.write { db in
                try await db.raw("UPDATE cases SET updated_at = \(bind: Int(Date().timeIntervalSince1970 * 1000) - 25 * 3_600_000)").run()
            }
            let late = try await open(.webChat, try Identity(kind: .email, raw: "ewa@example.org"), "Hello?")
            #expect(!late.continued && late.case.id != mail.case.id && late.case.id != second.case.id)
        }
    }

    @Test(arguments: Backend.available)
    func mergingCasesMovesTheirHistory(backend: Backend) async throws {
        try await withStore(backend) { store in
            let fx = try await Fixture.make(store)
            let a = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("m@example.com", subject: "First"))
            let b = try await store.openCase(brand: fx.brand.id, actor: nil, request: try fx.email("m@example.com", subject: "Same thing again"))
            let target = try await store.mergeCase(b.case.id, into: a.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id))
            #expect(target.id == a.case.id)
            #expect(try await store.interactions(caseID: a.case.id, brand: fx.brand.id).count == 2)
            let source = try await store.case(b.case.id, brand: fx.brand.id)
            #expect(source.status == .closed && source.mergedInto == a.case.id)
            #expect(source.sla?.clocks.allSatisfy { $0.stoppedAt != nil } == true, "a merged case's SLA clocks stop")
            #expect(source.sla?.nextWake == nil)
            let links = try await store.links(caseID: a.case.id, brand: fx.brand.id)
            #expect(links.map(\.kind) == ["merged"])
            await #expect(throws: StoreError.self) {
                try await store.updateCase(b.case.id, brand: fx.brand.id, actor: .staff(fx.agent.id), update: CaseUpdate(priority: .high))
            }
        }
    }
}
