import Foundation
import TouchpointCore
import TouchpointApplication
import TouchpointStore
import TouchpointWeb

/// A realistic demo data set: two brands, teams, staff at every role, accounts of every
/// size and journey stage, contacts with identities on several contact points, and cases
/// with interactions on every contact point over the last 90 days. Deterministic: the same
/// seed gives the same data (apart from ids and the current date).
public enum DemoData {
    /// The demo's knowledge base: Markdown files bundled with the app.
    public static func articles() throws -> [ArticleFile] {
        guard let folder = Bundle.module.url(forResource: "knowledge", withExtension: nil) else { return [] }
        return try ArticleFile.load(folder: folder)
    }

    public static let adminEmail = "admin@acme.example"
    /// The console password of every demo staff member: for development only.
    public static let demoPassword = "touchpoint-demo"
    /// The webhook secret of the demo integrations: for development only.
    public static let demoSecret = "demo-secret"
    /// The demo kiosk's device token (real kiosks get a random one from `touchpoint kiosk register`).
    public static let demoKioskToken = "demo-kiosk"
    /// The demo brand's main support mailbox.
    public static let mailbox = "support@acme.example"

    public struct Summary: Sendable {
        public var adminToken: String
        public var accounts: Int
        public var contacts: Int
        public var cases: Int
        public var interactions: Int

        public var summary: String {
            "\(accounts) accounts, \(contacts) contacts, \(cases) cases, \(interactions) interactions"
        }
    }

    /// Loads the data into an empty database; refuses a database that has brands.
    public static func load(into store: Store, now given: Date? = nil, seed: UInt64 = 20261123) async throws -> Summary {
        guard try await store.brands().isEmpty else { throw StoreError.conflict("the database already has data; demo data loads only into an empty one") }
        let now = given ?? store.environment.now()
        var rng = SplitMix64(seed: seed)
        let acme = try await store.createBrand(slug: "acme", name: "Acme Energy", casePrefix: "Acme", defaultCallingCode: "48",
                                               timeZone: "Europe/Warsaw")
        let globex = try await store.createBrand(slug: "globex", name: "Globex Telecom", casePrefix: "Globex", defaultCallingCode: "44",
                                                 timeZone: "Europe/London")

        var teams: [String: Team] = [:]
        for name in ["First line", "Technical", "Billing desk", "Field service", "Customer success"] {
            teams[name] = try await store.createTeam(brand: acme.id, name: name)
        }
        let staffSpec: [(String, String, Role, String?)] = [
            (adminEmail, "Adam Sadowski", .admin, nil),
            ("manager@acme.example", "Marek Zając", .manager, "First line"),
            ("executive@acme.example", "Elżbieta Górska", .executive, nil),
            ("agent1@acme.example", "Ola Malinowska", .agentL1, "First line"),
            ("agent1b@acme.example", "Piotr Wróbel", .agentL1, "First line"),
            ("agent2@acme.example", "Igor Sikora", .agentL2, "Technical"),
            ("agent3@acme.example", "Anna Pawlak", .agentL3, "Technical"),
            ("csm@acme.example", "Celina Michalska", .csm, "Customer success"),
            ("csm2@acme.example", "Cyryl Baran", .csm, "Customer success"),
            ("technician@acme.example", "Tomasz Kubiak", .technician, "Field service"),
            ("billing@acme.example", "Beata Duda", .billing, "Billing desk"),
        ]
        var staff: [StaffUser] = []
        for (email, name, role, team) in staffSpec {
            staff.append(try await store.createStaffUser(brand: acme.id, email: email, name: name, role: role, team: team.flatMap { teams[$0]?.id }))
        }
        let globexAdmin = try await store.createStaffUser(brand: globex.id, email: "admin@globex.example", name: "Gloria Hughes", role: .admin, team: nil)
        // Every demo person signs in to the console with the same development password.
        let demoHash = try await Passwords.hash(demoPassword)
        for user in staff + [globexAdmin] {
            try await store.setPasswordHash(demoHash, userID: user.id, brand: user.brandID, actor: .system)
        }
        let csms = staff.filter { $0.role == .csm }
        let agents = staff.filter { $0.role.supportLevel != nil }
        try await configureServiceModels(store, brand: acme.id, teams: teams, staff: staff)
        // Mail to support@ lands with the first line; a forward from staff opens the case for the customer.
        _ = try await store.saveMailbox(address: mailbox, brand: acme.id, teamID: teams["First line"]?.id, forwardsOpenForSender: true,
                                        acknowledges: true, actor: .system)
        _ = try await store.saveMailbox(address: "billing@acme.example", brand: acme.id, teamID: teams["Billing desk"]?.id, forwardsOpenForSender: false, actor: .system)
        _ = try await store.saveMailbox(address: "help@globex.example", brand: globex.id, teamID: nil, forwardsOpenForSender: false, actor: .system)
        // Text-message integrations anyone can try with curl (real installations get random secrets).
        _ = try await store.createIntegration(id: "demo-pbx", brand: acme.id, kind: .cti, name: "Demo phone system", secret: demoSecret)
        _ = try await store.createIntegration(id: "demo-sms", brand: acme.id, kind: .sms, name: "Demo SMS provider", secret: demoSecret)
        _ = try await store.createIntegration(id: "demo-whatsapp", brand: acme.id, kind: .whatsApp, name: "Demo WhatsApp provider", secret: demoSecret)
        _ = try await store.updateIntegration("demo-whatsapp", brand: acme.id, name: nil, providerURL: nil, templates: [
            MessageTemplate(name: "case_update", language: "en", text: "Hello {{1}}, there is news on your case {{2}}. Reply here to continue."),
            MessageTemplate(name: "case_update", language: "pl", text: "Dzień dobry {{1}}, w sprawie {{2}} są nowe informacje. Odpowiedz tutaj."),
        ])
        // A customer service point with a walk-in queue (display board at /walk-in/board/acme/warsaw-centre);
        // contracts and billing also take appointments in office hours.
        let officeHours = try await store.serviceConfig(brand: acme.id).calendars.values.first { $0.name == "Office hours Warsaw" }?.id
        _ = try await store.createLocation(brand: acme.id, slug: "warsaw-centre", name: "Warsaw Centre service point", timeZone: "Europe/Warsaw",
                                           setup: LocationSetup(
                                               categories: [ServiceCategory(code: "B", name: "Billing and payments", averageServiceMinutes: 6, appointmentsPerSlot: 1,
                                                                            names: ["pl": "Rachunki i płatności"]),
                                                            ServiceCategory(code: "C", name: "Contracts and moves", averageServiceMinutes: 12, appointmentsPerSlot: 1,
                                                                            names: ["pl": "Umowy i przeprowadzki"]),
                                                            ServiceCategory(code: "S", name: "Meters and repairs", averageServiceMinutes: 10, names: ["pl": "Liczniki i naprawy"])],
                                               desks: [Desk(code: "1", name: "Desk 1", categories: ["B"]), Desk(code: "2", name: "Desk 2", categories: ["B", "C"]),
                                                       Desk(code: "3", name: "Desk 3", categories: ["C", "S"])],
                                               calendarId: officeHours),
                                           actor: .system)
        let centre = try await store.location(slug: "warsaw-centre", brand: acme.id)
        _ = try await store.registerKiosk(brand: acme.id, location: centre.id, name: "Warsaw Centre lobby", idleSeconds: 60, languages: ["en", "pl"],
                                          token: demoKioskToken)

        // Accounts of every size and stage.
        let companies = ["Baltic Foods", "Vistula Logistics", "Tatra Outdoor", "Mazury Hotels", "Odra Chemicals", "Warta Insurance",
                         "Pomorze Shipping", "Kraków Bakeries", "Silesia Steel", "Gdańsk Ports", "Łódź Textiles", "Poznań Motors",
                         "Lublin Pharma", "Toruń Gingerbread", "Wrocław Software", "Kielce Mining", "Opole Ceramics", "Rzeszów Aero",
                         "Białystok Dairy", "Szczecin Wind", "Zakopane Resorts", "Sopot Studios", "Gdynia Yachts", "Płock Refining",
                         "Radom Arms", "Tarnów Glass", "Elbląg Rail", "Legnica Copper", "Kalisz Lace", "Nysa Vans"]
        // Everyone a different person: first names with the surname's form for them (Kowalski,
        // Kowalska), spelled as Poles spell them.
        let firstNames: [(name: String, female: Bool)] = [
            ("Jan", false), ("Anna", true), ("Piotr", false), ("Maria", true), ("Krzysztof", false), ("Katarzyna", true), ("Tomasz", false),
            ("Agnieszka", true), ("Paweł", false), ("Magdalena", true), ("Michał", false), ("Joanna", true), ("Łukasz", false), ("Ewa", true),
            ("Marcin", false), ("Barbara", true),
        ]
        let surnames: [(male: String, female: String)] = [
            ("Kowalski", "Kowalska"), ("Nowak", "Nowak"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"),
            ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"),
            ("Dąbrowski", "Dąbrowska"), ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Krawczyk", "Krawczyk"),
            ("Piotrowski", "Piotrowska"),
        ]
        func personName(_ k: Int) -> String {
            let first = firstNames[k % firstNames.count]
            let surname = surnames[(k + 5 * (k / firstNames.count)) % surnames.count]
            return "\(first.name) \(first.female ? surname.female : surname.male)"
        }
        // Addresses are ASCII: the letters Polish adds are written as their base letter.
        func ascii(_ text: String) -> String {
            String(text.lowercased().map { ["ą": "a", "ć": "c", "ę": "e", "ł": "l", "ń": "n", "ó": "o", "ś": "s", "ź": "z", "ż": "z"][$0] ?? $0 })
        }
        let stages = JourneyStage.allCases
        var accounts: [Account] = []
        var contacts: [Contact] = []
        for (index, company) in companies.enumerated() {
            // Sizes from a single household to a large enterprise.
            let tier = index % 4
            let annual = [1_200.0, 18_000, 85_000, 420_000][tier] * (0.6 + rng.unit() * 0.8)
            let profile = AccountProfile(
                annualValue: annual.rounded(), averageOrderValue: (annual / Double(4 + rng.below(20))).rounded(),
                complexity: [ProductComplexity.low, .medium, .medium, .high][tier], stage: stages[index % stages.count],
                goals: [["lower energy bills"], ["green energy certificate"], ["single invoice for all sites", "24/7 outage support"],
                        ["dedicated advisor", "quarterly business review"]][tier],
                healthScore: 20 + rng.below(80), ownerCSM: tier >= 2 ? csms[index % csms.count].id : nil,
                // Contracts (not households) renew within the year; a few soon.
                renewalOn: tier == 0 ? nil : CivilDate(now, timeZone: .gmt).adding(days: 10 + rng.below(340)))
            let account = try await store.createAccount(brand: acme.id, actor: .system, name: company, profile: profile)
            accounts.append(account)
            for person in 0..<(1 + tier) {
                let name = personName(index * 4 + person)
                let slug = ascii(name).replacingOccurrences(of: " ", with: ".")
                let domain = ascii(company).replacingOccurrences(of: " ", with: "") + ".example"
                var identities = [Identity(storedKind: .email, value: "\(slug)@\(domain)"),
                                  Identity(storedKind: .phone, value: "+48\(600_000_000 + index * 1000 + person * 7)")]
                if person == 0 { identities.append(Identity(storedKind: .customerNumber, value: "C-\(10_000 + index)")) }
                if rng.below(3) == 0 { identities.append(Identity(storedKind: .whatsApp, value: "+48\(700_000_000 + index * 1000 + person)")) }
                contacts.append(try await store.createContact(brand: acme.id, actor: .system, accountID: account.id, name: name,
                                                              title: person == 0 ? "decision maker" : "user",
                                                              preferredContactPoint: person == 0 ? .email : .phone, identities: identities))
            }
        }
        // A walk-in customer with no account yet, and one contact of the second brand.
        contacts.append(try await store.createContact(brand: acme.id, actor: .system, accountID: nil, name: "Zofia Kaczmarek", title: nil,
                                                      preferredContactPoint: .inPerson, identities: [Identity(storedKind: .phone, value: "+48500111222")]))
        _ = try await store.createContact(brand: globex.id, actor: .system, accountID: nil, name: "Gary Walsh", title: nil,
                                          preferredContactPoint: .email, identities: [Identity(storedKind: .email, value: "gary@customer.example")])

        // Cases on every contact point: a calm operating day. Most of the last 90 days' cases
        // are solved; the backlog is today's and yesterday's, answered where it should be,
        // with a few new ones waiting and one or two that slipped past their deadline.
        let topics: [(subject: String, body: String, point: ContactPoint, topic: String?, answer: String)] = [
            ("Invoice amount higher than expected", "My last invoice is twice the usual amount. Can you explain the charges?", .email, "billing",
             "We checked your account: the difference comes from the winter estimate. A corrected invoice follows this week."),
            ("Power outage at our site", "We have no power since 7 am at the main warehouse.", .phone, "outage",
             "A crew is on the way to the transformer that feeds your street; power should be back within two hours."),
            ("How do I read my meter?", "Where do I find the meter number in the app?", .webChat, nil,
             "The meter number is on the first page of the app under Meters, and on the sticker on the meter itself."),
            ("Payment confirmation", "I paid yesterday, please confirm you received it.", .sms, "billing",
             "Your payment has been received, thank you."),
            ("Tariff change request", "We want to move to the green tariff from next month.", .whatsApp, "contract",
             "The green tariff can start on the 1st; we have sent the annex to sign in the portal."),
            ("Cannot log in to the portal", "The portal says my password is wrong after the reset.", .portal, nil,
             "We sent a new sign-in link to your email address; it works for 15 minutes."),
            ("Moving house", "I am moving to a new address, how do I transfer the contract?", .chatbot, "contract",
             "Send us the new address and the moving date; we close the old meter reading that day."),
            ("Printed statement at kiosk", "Requested a statement at the kiosk in the branch.", .kiosk, nil,
             "The statement was printed at the kiosk."),
            ("Contract question at the branch", "Customer came to the branch to discuss contract renewal.", .inPerson, "contract",
             "We went through the renewal options at the desk; the customer takes the two-year offer home to decide."),
            ("Meter replacement visit", "Technician visit to replace the smart meter.", .fieldService, "visit",
             "A technician is booked for Thursday between 8 and 12."),
            ("Payment plan for overdue invoices", "Customer asks to split the overdue amount into instalments.", .billing, "billing",
             "Agreed a plan of three monthly instalments; the first is due on the 15th."),
        ]
        var caseCount = 0
        var interactionCount = 0
        let acmeContacts = contacts.filter { $0.brandID == acme.id }
        for index in 0..<240 {
            let (subject, body, point, topic, answer) = topics[index % topics.count]
            // Messages on a contact point come from people reachable there (WhatsApp cases
            // from WhatsApp numbers), so every demo case can be answered where it came from.
            let reachable = acmeContacts.filter { $0.identities.contains { $0.kind == point.identityKind } }
            let candidates = reachable.isEmpty ? acmeContacts : reachable
            let contact = candidates[rng.below(candidates.count)]
            // The first 24 are the backlog: the last day and a half. The rest are older history.
            let recent = index < 24
            let minutesAgo = recent ? 20 + rng.below(36 * 60) : 4 * 24 * 60 + rng.below(86 * 24 * 60)
            let opened = now.addingTimeInterval(-Double(minutesAgo) * 60)
            guard let identity = contact.identities.first(where: { $0.kind == point.identityKind }) ?? contact.identities.first else { continue }
            // History written after the fact: each demo need is its own case.
            var request = OpenCase(contactPoint: point, from: identity, subject: subject, body: body,
                                   // Mostly normal; urgent only for outages.
                                   priority: topic == "outage" ? .high : index % 9 == 0 ? .low : .normal,
                                   tags: [point.nature == .high ? "high-contact" : "low-contact"], occurredAt: opened, topic: topic)
            request.mayContinue = false
            let result = try await store.openCase(brand: acme.id, actor: nil, request: request)
            caseCount += 1
            interactionCount += 1
            let agent = agents[rng.below(agents.count)]
            // What became of it: old cases are solved (two slipped through and are still
            // open); of the backlog, the newest few wait for a first answer, the rest were
            // answered and are being worked on or wait for the customer.
            let stranded = index == 30 || index == 131
            let due = { (kind: SLAClockKind) in result.case.sla?.clocks.first { $0.kind == kind }?.dueAt ?? .distantFuture }
            var target: CaseStatus
            if !recent {
                target = stranded ? .open : index % 3 == 0 ? .resolved : .closed
            } else {
                target = minutesAgo < 90 ? .new : index % 3 == 0 ? .pending : .open
                // A desk that keeps its promises: what its model wants answered or solved by
                // now was (high-touch targets are hours, not days).
                if target == .new, due(.firstResponse) < now.addingTimeInterval(600) { target = .open }
                if target != .new, due(.resolution) < now.addingTimeInterval(1800) { target = .resolved }
            }
            var at = opened
            if target != .new && !stranded {
                // The answer to the customer's message, within the first hour or two, and in
                // time for the model's first-response target.
                at = max(opened.addingTimeInterval(60), min(at.addingTimeInterval(Double(10 + rng.below(100)) * 60),
                                                            due(.firstResponse).addingTimeInterval(-300), now.addingTimeInterval(-60)))
                let exchange: [(Direction, String)] = [(.outbound, answer)]
                    + (index % 4 == 1 ? [(.inbound, "Thank you. One more question: will this show on the next invoice?"),
                                         (.outbound, "Yes, it will show as a separate line on the next invoice.")] : [])
                for (step, (direction, text)) in exchange.enumerated() {
                    if step > 0 { at = at.addingTimeInterval(Double(30 + rng.below(240)) * 60) }
                    guard at < now else { break }
                    _ = try await store.addInteraction(caseID: result.case.id, brand: acme.id,
                                                       actor: direction == .outbound ? .staff(agent.id) : .contact(contact.id),
                                                       request: NewInteraction(direction: direction, body: text,
                                                                               // Past text replies are history, not messages to send now.
                                                                               providerMessageID: point == .sms || point == .whatsApp
                                                                                   ? "demo-\(result.case.number)-\(step)" : nil,
                                                                               occurredAt: at))
                    interactionCount += 1
                }
            }
            var update = CaseUpdate(assigneeID: .some(agent.id))
            var current = try await store.case(result.case.id, brand: acme.id)
            if target != current.status, current.status.allowedNext.contains(target) || target == .closed {
                if target == .closed && current.status != .resolved {
                    current = try await store.updateCase(current.id, brand: acme.id, actor: .staff(agent.id), update: CaseUpdate(status: .resolved))
                }
                update.status = target
            }
            // The newest wait in their queue, routed but not yet taken.
            if target == .new { update.assigneeID = nil }
            _ = try await store.updateCase(current.id, brand: acme.id, actor: .staff(agent.id), update: update)
        }
        // Promises to customers, some overdue.
        for (index, account) in accounts.enumerated() where index % 3 == 0 {
            _ = try await store.createCommitment(brand: acme.id, actor: .staff(csms[index % csms.count].id), accountID: account.id, caseID: nil,
                                                 what: ["Call back with the corrected invoice", "Send the green tariff offer", "Confirm the technician visit"][index % 3],
                                                 dueAt: now.addingTimeInterval(Double(rng.below(14 * 24) - 3 * 24) * 3600), ownerID: nil)
        }
        // The kiosk's demo customer (C-10000) has the next free contracts appointment an hour
        // on: the booking is checked against the clock when it is written, and the seeding
        // above can take a minute on a loaded machine, by which time a slot just after `now`
        // has begun.
        let bookable = max(now, store.environment.now()).addingTimeInterval(3600)
        if let first = contacts.first,
           let slot = try await store.deskAppointmentSlots(location: centre.id, brand: acme.id, category: "C", from: bookable, limit: 1).first {
            _ = try await store.bookDeskAppointment(location: centre.id, brand: acme.id, category: "C", contact: first.id, start: slot, caseID: nil,
                                                    actor: .staff(csms[0].id))
        }
        // The help articles of the portal, the kiosk, the chat widget and the bot, in English and Polish.
        let articles = try DemoData.articles()
        try await UseCases(store: store).knowledge.importFiles(articles, brand: acme.id, author: csms.first?.id)
        // Health as the daily pass computes it, from the history just written.
        for brand in [acme.id, globex.id] { try await UseCases(store: store).health.recompute(brand: brand) }
        // The default playbooks of each model, and the scheduled runs due today (a quarterly
        // check-in for every mid-touch account, renewal reminders) with their first steps.
        let playbooks = UseCases(store: store).playbooks
        for definition in DefaultPlaybooks.definitions(team: teams["Customer success"]?.id) {
            _ = try await playbooks.create(definition, brand: acme.id, actor: .system)
        }
        try await playbooks.sweepSchedules()
        try await PlaybookRunner(store: store, address: PublicAddress(configured: UseCases.localURL)).drain()
        let token = try await store.createToken(email: adminEmail, name: "demo admin", scope: .write)
        return Summary(adminToken: token.token, accounts: accounts.count, contacts: contacts.count + 1, cases: caseCount, interactions: interactionCount)
    }
}

extension DemoData {
    /// Office hours for the human-heavy models, routing settings for every team, topics,
    /// and agents who are at work (so new cases are assigned at once).
    static func configureServiceModels(_ store: Store, brand: BrandID, teams: [String: Team], staff: [StaffUser]) async throws {
        let weekday = [["08:00", "18:00"]]
        let office = try CalendarDefinition(
            timeZone: "Europe/Warsaw",
            weekly: ["mon": weekday, "tue": weekday, "wed": weekday, "thu": weekday, "fri": weekday, "sat": [["09:00", "13:00"]]],
            yearlyHolidays: ["01-01", "01-06", "05-01", "05-03", "08-15", "11-01", "11-11", "12-24", "12-25", "12-26"]).calendar()
        let hours = try await store.saveCalendar(id: nil, name: "Office hours Warsaw", calendar: office, brand: brand, actor: .system)
        for model in [ServiceModel.lowTouch, .midTouch] {
            var policy = ServicePolicy.defaults(model)
            policy.calendarId = hours.id
            _ = try await store.setPolicy(policy, brand: brand, actor: .system)
        }
        let routing: [(String, AssignmentStrategy, [String], [SupportLevel])] = [
            ("First line", .roundRobin, [], [.basic]),
            ("Technical", .leastLoaded, ["network", "meter"], [.intermediate, .advanced]),
            ("Billing desk", .leastLoaded, ["billing"], []),
            ("Field service", .leastLoaded, ["field"], []),
            ("Customer success", .namedCSM, ["account"], []),
        ]
        for (name, strategy, skills, levels) in routing {
            guard let team = teams[name] else { continue }
            _ = try await store.updateTeam(team.id, brand: brand, actor: .system,
                                           changes: TeamChanges(calendarID: .some(hours.id), strategy: strategy, skills: skills, levels: levels,
                                                                averageHandleMinutes: name == "First line" ? 6 : 15))
        }
        _ = try await store.setTopics([
            RoutingTopic(name: "billing", skills: ["billing"], level: .basic, teamId: teams["Billing desk"]?.id,
                         labels: ["en": "Bills and payments", "pl": "Rachunki i płatności"]),
            RoutingTopic(name: "outage", skills: ["network"], level: .intermediate, labels: ["en": "No power", "pl": "Brak prądu"]),
            RoutingTopic(name: "meter", skills: ["meter"], level: .intermediate, labels: ["en": "Meter", "pl": "Licznik"]),
            RoutingTopic(name: "contract", skills: ["account"], level: .basic, teamId: teams["Customer success"]?.id,
                         labels: ["en": "Contract", "pl": "Umowa"]),
            RoutingTopic(name: "visit", skills: ["field"], level: .basic, teamId: teams["Field service"]?.id,
                         labels: ["en": "Technician's visit", "pl": "Wizyta technika"]),
        ], brand: brand, actor: .system)
        let skills: [Role: [String]] = [.agentL2: ["network", "meter"], .agentL3: ["network", "meter", "billing"], .billing: ["billing"],
                                        .technician: ["field", "meter"], .csm: ["account"]]
        for user in staff where user.role != .admin {
            _ = try await store.updateAgent(user.id, brand: brand, actor: .system,
                                            changes: AgentChanges(skills: skills[user.role] ?? [], capacity: 40, presence: .available))
        }
        // Weekly on-call turns for the teams high-touch customers reach around the clock,
        // handed over on Mondays at 09:00. Everyone in the demo is at work, so nobody is paged
        // until the people of a team go offline.
        let people = Dictionary(staff.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        for (team, rotation) in [("Customer success", ["Celina Michalska", "Cyryl Baran"]), ("Technical", ["Igor Sikora", "Anna Pawlak"])] {
            guard let id = teams[team]?.id else { continue }
            _ = try await store.setRoster(OnCallRoster(rotation: rotation.compactMap { people[$0] }, timeZone: "Europe/Warsaw", startsOn: "2026-01-05"),
                                          team: id, brand: brand, actor: .system)
        }
    }
}

/// A small deterministic generator (SplitMix64) so the demo data is the same every time.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
