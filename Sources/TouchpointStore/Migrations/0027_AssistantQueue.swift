/// The queue of conversations the assistant holds, newest first, read from their own few
/// index entries (a partial index) instead of walking every case of the brand.
enum Migration0027AssistantQueue {
    static let migration = Migration(version: 27, name: "assistant queue") { _ in
        ["CREATE INDEX cases_with_assistant ON cases (brand_id, created_at, id) WHERE bot_state = 'bot'"]
    }
}
