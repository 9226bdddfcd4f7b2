import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import TouchpointCore
@testable import TouchpointWeb

/// Administration without JSON: the policy form, the rule builder and the weekly hours
/// grid, submitted as the page offers them (fields read from the page's own form).
@Suite("Service models are administered in forms")
struct AdminFormsTests {
    static func page(_ admin: inout ConsoleBrowser) async throws -> String {
        let response = try await admin.get("/console/admin/models")
        #expect(response.status == .ok)
        return String(buffer: response.body)
    }

    @Test func anAdminChangesAPolicyInTheFormAndAMistakeIsNamedByItsLabel() async throws {
        try await withConsole { fixture, client in
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            let before = try await fixture.store.serviceConfig(brand: fixture.brandID).policy(.lowTouch)
            var form = try #require(PageForm(try await Self.page(&admin), button: "policy-form:lowTouch"))
            // The form shows the saved policy in words: lengths, a percentage, ticked contact points.
            #expect(form["sla-normal-firstResponse"] == MinutesField.text(before.sla.normal.firstResponseMinutes))
            #expect(form["atRiskPercent"] == "80" && form.all("offered").contains("webChat") && form["humanReach"] == "onRequest")
            form.set("sla-normal-firstResponse", "1 h 30 min")
            form.set("sla-urgent-resolution", "6:00")
            form.tick("offered", "webChat", false)
            form.set("atRiskPercent", "75")
            form.set("chatsAtOnce", "3")
            form.tick("escalateOnRisk", "on", true)
            form.set("escalationCeiling", "manager")
            let saved = try await admin.post("/console/admin/models", pairs: form.fields)
            #expect(saved.status == .ok && String(buffer: saved.body).contains("Low-touch policy saved"))
            let after = try await fixture.store.serviceConfig(brand: fixture.brandID).policy(.lowTouch)
            #expect(after.sla.normal.firstResponseMinutes == 90 && after.sla.urgent.resolutionMinutes == 360)
            #expect(!after.offeredContactPoints.contains(.webChat) && after.offeredContactPoints.contains(.email))
            #expect(after.atRiskShare == 0.75 && after.chatsAtOnce == 3 && after.escalateOnRisk && after.escalationCeiling == .manager)
            // What the form does not show is kept.
            #expect(after.costPerContact == before.costPerContact && after.playbooks == before.playbooks && after.assistant == before.assistant)

            // A length it cannot read: 422, the field by its label, what was typed still there, nothing saved.
            var wrong = try #require(PageForm(try await Self.page(&admin), button: "policy-form:lowTouch"))
            wrong.set("sla-high-nextResponse", "soon")
            let refused = try await admin.post("/console/admin/models", pairs: wrong.fields)
            let html = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent)
            #expect(html.contains("High priority, next response: &#39;soon&#39; is not a length of time") || html.contains("High priority, next response: 'soon' is not a length of time"), "\(html.prefix(0))")
            #expect(html.contains("id=\"policy-lowTouch-error\"") && html.contains("value=\"soon\""))
            #expect(try await fixture.store.serviceConfig(brand: fixture.brandID).policy(.lowTouch) == after)
            // A rule of the policy itself, in the form's words.
            var capacity = try #require(PageForm(try await Self.page(&admin), button: "policy-form:lowTouch"))
            capacity.tick("namedCSM", "on", true)
            capacity.set("csmCapacity", "")
            let noCapacity = String(buffer: try await admin.post("/console/admin/models", pairs: capacity.fields).body)
            #expect(noCapacity.contains("Accounts per advisor: a model with a named CSM needs a capacity"))
            var risk = try #require(PageForm(try await Self.page(&admin), button: "policy-form:lowTouch"))
            risk.set("atRiskPercent", "99")
            #expect(String(buffer: try await admin.post("/console/admin/models", pairs: risk.fields).body).contains("At risk after: must be between 50 and 95 %"))
            var none = try #require(PageForm(try await Self.page(&admin), button: "policy-form:lowTouch"))
            for point in none.all("offered") { none.tick("offered", point, false) }
            #expect(String(buffer: try await admin.post("/console/admin/models", pairs: none.fields).body)
                .contains("Contact points offered: tick at least one contact point"))
        }
    }

    @Test func anAdminBuildsRulesTriesThemReordersAndSaves() async throws {
        try await withConsole { fixture, client in
            _ = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Big One",
                                                      profile: AccountProfile(annualValue: 500_000, complexity: .high))
            _ = try await fixture.store.createAccount(brand: fixture.brandID, actor: .system, name: "Slipping",
                                                      profile: AccountProfile(annualValue: 20_000, stage: .atRisk))
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            let shipped = try await fixture.store.segmentationRules(brand: fixture.brandID)
            var form = try #require(PageForm(try await Self.page(&admin), button: "builder-save"))
            // Every saved rule is a block, in order; the spare block is empty.
            #expect((0..<shipped.rules.count).map { form["r\($0)-name"] } == shipped.rules.map(\.name))
            #expect(form["r\(shipped.rules.count)-name"] == "")
            // Replace them with two rules written in the builder: clear the saved ones, fill the spare.
            for index in 0..<shipped.rules.count { form.set("r\(index)-name", ""); for c in 0..<25 { form.set("r\(index)-c\(c)-attribute", ""); form.set("r\(index)-c\(c)-value", "") } }
            let spare = shipped.rules.count
            form.set("r\(spare)-name", "Big spenders")
            form.set("r\(spare)-model", "midTouch")
            form.set("r\(spare)-c0-attribute", "annualValue")
            form.set("r\(spare)-c0-op", "gte")
            form.set("r\(spare)-c0-value", "100 000")
            form.set("action", "builder-rows")
            let more = try await admin.post("/console/admin/models", pairs: form.fields)
            var second = try #require(PageForm(String(buffer: more.body), button: "builder-save"))
            #expect(second["r0-name"] == "Big spenders" && second["r0-c0-value"] == "100 000" && second["r1-name"] == "")
            second.set("r1-name", "Watch the slipping")
            second.set("r1-model", "highTouch")
            second.set("r1-c0-attribute", "stage")
            second.set("r1-c0-op", "eq")
            second.set("r1-c0-value", "at risk")
            second.set("defaultModel", "techTouch")
            second.set("action", "builder-dryrun")
            let dry = String(buffer: try await admin.post("/console/admin/models", pairs: second.fields).body)
            #expect(dry.contains("Dry run: nothing was saved.") && dry.contains("Big One: High-touch → Mid-touch") && dry.contains("Slipping:"), "\(dry.count)")
            #expect(try await fixture.store.segmentationRules(brand: fixture.brandID) == shipped)
            // The builder keeps what was written after the dry run; move the second rule up.
            var shown = try #require(PageForm(dry, button: "builder-save"))
            #expect(shown["r1-c0-value"] == "at risk")
            shown.set("action", "builder-move:up:1")
            let moved = String(buffer: try await admin.post("/console/admin/models", pairs: shown.fields).body)
            var reordered = try #require(PageForm(moved, button: "builder-save"))
            #expect(reordered["r0-name"] == "Watch the slipping" && reordered["r1-name"] == "Big spenders")
            #expect(try await fixture.store.segmentationRules(brand: fixture.brandID) == shipped, "moving does not save")
            reordered.set("action", "builder-save")
            let saved = String(buffer: try await admin.post("/console/admin/models", pairs: reordered.fields).body)
            #expect(saved.contains("Rules saved;"))
            let rules = try await fixture.store.segmentationRules(brand: fixture.brandID)
            #expect(rules.rules.map(\.name) == ["Watch the slipping", "Big spenders"] && rules.defaultModel == .techTouch)
            #expect(rules.rules[0].conditions == [SegmentCondition(.stage, .eq, .text("atRisk"))])
            #expect(rules.rules[1].conditions == [SegmentCondition(.annualValue, .gte, .number(100_000))])

            // A value that is not a number for a number: named by rule and row, nothing saved.
            var broken = try #require(PageForm(try await Self.page(&admin), button: "builder-save"))
            broken.set("r1-c0-value", "lots")
            let refused = try await admin.post("/console/admin/models", pairs: broken.fields)
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Rule 2, condition 1: annual value compares with a number, got &#39;lots&#39;")
                || String(buffer: refused.body).contains("Rule 2, condition 1: annual value compares with a number, got 'lots'"))
            #expect(try await fixture.store.segmentationRules(brand: fixture.brandID) == rules)
        }
    }

    @Test func anAdminSetsWeeklyHoursWithPolishHolidaysAndPointsAPolicyAtThem() async throws {
        try await withConsole { fixture, client in
            var admin = ConsoleBrowser(client)
            _ = try await admin.signIn("admin@acme.example")
            var form = try #require(PageForm(try await Self.page(&admin), button: "calendar-grid:new"))
            #expect(form["mon-from-0"] == "08:00" && form["sat-from-0"] == "" && form["timeZone"] == "Europe/Warsaw")
            form.set("name", "Biuro obsługi")
            form.set("mon-until-0", "12:00")
            form.set("mon-from-1", "13:00")
            form.set("mon-until-1", "17:00")
            form.set("sat-from-0", "09:00")
            form.set("sat-until-0", "13:00")
            form.set("action", "calendar-holidays:new")
            let preset = String(buffer: try await admin.post("/console/admin/models", pairs: form.fields).body)
            // The year where the calendar keeps its hours.
            var warsaw = Calendar(identifier: .gregorian)
            warsaw.timeZone = TimeZone(identifier: "Europe/Warsaw")!
            let year = warsaw.component(.year, from: Date())
            #expect(preset.contains("Polish public holidays \(year)–\(year + 4) added to the form"))
            #expect(try await fixture.store.calendars(brand: fixture.brandID).isEmpty, "adding holidays to the form saves nothing")
            var filled = try #require(PageForm(preset, button: "calendar-grid:new"))
            let easterMonday = LocalDate(dayNumber: PublicHolidays.easter(year + 1).dayNumber + 1)
            #expect(filled["yearly"]?.contains("11-11") == true && filled["dated"]?.contains(easterMonday.description) == true)
            #expect(filled["mon-from-1"] == "13:00" && filled["sat-until-0"] == "13:00", "the hours typed stay")
            filled.set("action", "calendar-grid:new")
            let saved = String(buffer: try await admin.post("/console/admin/models", pairs: filled.fields).body)
            #expect(saved.contains("Calendar Biuro obsługi saved."))
            let named = try #require(try await fixture.store.calendars(brand: fixture.brandID).first)
            #expect(named.calendar.weekly[.mon]?.map(\.pair) == [["08:00", "12:00"], ["13:00", "17:00"]])
            #expect(named.calendar.weekly[.sat]?.map(\.pair) == [["09:00", "13:00"]] && named.calendar.weekly[.sun] == nil)
            #expect(named.calendar.isHoliday(easterMonday) && named.calendar.isHoliday(LocalDate(year: year, month: 11, day: 11)))

            // Hours that end before they start are named by day and row; the typed hours stay.
            var wrong = try #require(PageForm(try await Self.page(&admin), button: "calendar-grid:\(named.id.text)"))
            wrong.set("tue-until-0", "07:00")
            let refused = try await admin.post("/console/admin/models", pairs: wrong.fields)
            let html = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent && html.contains("Tuesday, hours 1: must end after it starts (08:00 – 07:00)"))
            #expect(html.contains("id=\"calendar-\(named.id.text)-error\"") && html.contains("value=\"07:00\""))

            // The policy form offers the calendar by name; choosing it points the model at it.
            var policy = try #require(PageForm(try await Self.page(&admin), button: "policy-form:midTouch"))
            #expect(try await Self.page(&admin).contains("<option value=\"\(named.id.text)\">Biuro obsługi</option>"))
            policy.set("calendarId", named.id.text)
            _ = try await admin.post("/console/admin/models", pairs: policy.fields)
            #expect(try await fixture.store.serviceConfig(brand: fixture.brandID).policy(.midTouch).calendarId == named.id)
            // A day whose span runs to midnight reads back as it was typed.
            var late = try #require(PageForm(try await Self.page(&admin), button: "calendar-grid:\(named.id.text)"))
            late.set("fri-until-0", "24:00")
            _ = try await admin.post("/console/admin/models", pairs: late.fields)
            #expect(try await fixture.store.calendars(brand: fixture.brandID).first?.calendar.weekly[.fri]?.map(\.pair) == [["08:00", "24:00"]])
        }
    }
}
