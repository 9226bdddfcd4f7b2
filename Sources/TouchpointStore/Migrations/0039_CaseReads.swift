/// When each person last opened each case, so the inbox can mark the cases where the
/// customer wrote since ("unread"). A row per person and case they opened.
enum Migration0039CaseReads {
    static let migration = Migration(version: 39, name: "case reads") { _ in
        [
            """
            CREATE TABLE case_reads (
                user_id TEXT NOT NULL,
                case_id TEXT NOT NULL,
                read_at BIGINT NOT NULL,
                PRIMARY KEY (user_id, case_id)
            )
            """
        ]
    }
}
