import TouchpointStore

/// Everything that reacts to recorded events, in one list. The dispatcher of `serve` runs
/// these after commit. (Open console pages and chats follow events through the web layer's
/// live hub, and SLA clocks through the scheduler; both read the same events table.)
public enum Listeners {
    public static func all(store: Store, address: PublicAddress = PublicAddress(configured: UseCases.localURL)) -> [any EventListener] {
        [
            StaffEmailListener(store: store),
            OnCallPageListener(store: store, address: address),
            ChatbotListener(chatbot: UseCases(store: store, address: address).chatbot),
            HealthListener(health: AccountHealth(store: store)),
            SurveyListener(surveys: Surveys(store: store, address: address)),
            PlaybookListener(playbooks: Playbooks(store: store, address: address)),
        ]
    }
}
