/// Each inbox queue read from an index of its own, in the deadline order it lists: without
/// them, "My cases" and a team's level walked the whole backlog's deadline index for the
/// few cases that are theirs, and "With the assistant" counted by reading every active case
/// (160–170 ms each at 230,000 open cases; a fraction of a millisecond with these).
enum Migration0043QueueIndexes {
    static let migration = Migration(version: 43, name: "queue indexes") { _ in
        [
            "CREATE INDEX cases_assignee_deadline ON cases (brand_id, assignee_id, deadline_key, id) WHERE deadline_key IS NOT NULL",
            "CREATE INDEX cases_team_deadline ON cases (brand_id, team_id, level, deadline_key, id) WHERE deadline_key IS NOT NULL",
            "CREATE INDEX cases_assistant_deadline ON cases (brand_id, deadline_key, id) WHERE bot_state = 'bot'",
        ]
    }
}
