/// Survey results read a brand's surveys of a kind by the time they were sent.
enum Migration0031SurveyResults {
    static let migration = Migration(version: 31, name: "survey results") { _ in
        ["CREATE INDEX surveys_sent ON surveys (brand_id, kind, sent_at)"]
    }
}
