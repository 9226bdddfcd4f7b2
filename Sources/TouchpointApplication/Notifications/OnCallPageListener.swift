import Foundation
import TouchpointCore
import TouchpointStore

/// Delivers on-call pages: by SMS to a person who asked for it and has a number (through
/// the brand's SMS integration), else by email, whatever their email-notification setting,
/// since a page must reach someone. The event's id names the message, so a page handed
/// over twice goes out once.
public struct OnCallPageListener: EventListener {
    let store: Store
    let address: PublicAddress

    public init(store: Store, address: PublicAddress) {
        self.store = store
        self.address = address
    }

    public var name: String { "on-call-pages" }
    public var interests: Set<EventType> { [.onCallPaged] }

    public func handle(_ events: [DomainEvent]) async throws {
        let pages = events.compactMap { event in event.recipient.map { (event: event, user: $0) } }
        guard !pages.isEmpty else { return }
        let ways = try await store.pagingContacts(pages.map(\.user))
        var texts: [(text: String, recipient: String, brand: BrandID, id: UUID)] = []
        for page in pages {
            if let way = ways[page.user], way.pageBy == .sms, let phone = way.phone {
                texts.append((text(page.event, way.language), phone, page.event.brandID, page.event.id))
            }
        }
        let unsent = Set(try await store.queueStaffTexts(texts))
        let byText = Set(texts.map(\.id)).subtracting(unsent)
        let emailed = pages.filter { !byText.contains($0.event.id) }
        let targets = try await store.staffEmailTargets(emailed.map { ($0.user, $0.event.brandID, $0.event.caseID) }, optedIn: false)
        let mails = zip(emailed, targets).compactMap { page, target in
            target.map { (mail: StaffNotificationEmail.compose(page.event, to: $0), recipient: $0.email, brand: page.event.brandID, id: page.event.id) }
        }
        try await store.queueEmails(mails)
    }

    /// A page as one short text in its person's language: what is asked and where the case is.
    func text(_ event: DomainEvent, _ language: Language) -> String {
        var words = event.noticeText(language) ?? language.say("You are on call: a case needs you.", "Masz dyżur: sprawa czeka na Ciebie.")
        if case .int(let number)? = event.payload["caseNumber"] {
            words += " " + address.url + "/console/cases/\(number)"
        }
        return words
    }
}
