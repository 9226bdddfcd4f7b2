import Foundation
import SQLKit
import TouchpointCore

/// One numbered, append-only schema change. Never edit a migration that has shipped: add one.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// The statements to run, per dialect.
    let statements: @Sendable (SQLDialectKind) -> [String]
}

/// Runs the migrations a database has not seen yet, each in its own transaction.
public enum Migrator {
    static let all: [Migration] = [Migration0001Initial.migration, Migration0002ServiceModels.migration, Migration0003Mail.migration, Migration0004Console.migration, Migration0005Portal.migration, Migration0006Macros.migration, Migration0007Integrations.migration, Migration0008Calls.migration, Migration0009TextOutbox.migration, Migration0010Chat.migration, Migration0011ChatReads.migration, Migration0012MessageTemplates.migration, Migration0013WalkIn.migration, Migration0014Kiosks.migration, Migration0015Billing.migration, Migration0016FieldService.migration, Migration0017DeskAppointments.migration, Migration0018TextQueue.migration, Migration0019StaffNotifications.migration, Migration0020Inbox.migration, Migration0021OneOutbox.migration, Migration0022Listeners.migration, Migration0023BrandLanguage.migration, Migration0024ListIndexes.migration, Migration0025KnowledgeBase.migration, Migration0026Chatbot.migration, Migration0027AssistantQueue.migration, Migration0028Health.migration, Migration0029Surveys.migration, Migration0030Playbooks.migration, Migration0031SurveyResults.migration, Migration0032CaseSearchByNewest.migration, Migration0033CasePoints.migration, Migration0034ContactSearch.migration, Migration0035BrandTimeZone.migration, Migration0036OutboxByCase.migration, Migration0037CasesByDeadline.migration, Migration0038CasePresence.migration, Migration0039CaseReads.migration, Migration0040StaffNotices.migration, Migration0041OnCall.migration, Migration0042CSMReach.migration, Migration0043QueueIndexes.migration, Migration0044StaffLanguage.migration]

    /// Applies pending migrations (up to `last`, for upgrade tests); returns the versions applied now.
    @discardableResult
    public static func migrate(_ database: any Database, through last: Int = .max) async throws -> [Int] {
        try await database.write { db in
            try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)").run()
        }
        let dialect = database.dialect
        var applied: [Int] = []
        for migration in all where migration.version <= last {
            let done = try await database.write(limits: .migrations) { db -> Bool in
                // Several nodes may start at once: the check and the change share a
                // transaction, and on PostgreSQL an advisory lock serializes them.
                if dialect == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(74201)").run() }
                let existing = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").first()
                if existing != nil { return false }
                for statement in migration.statements(dialect) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Int(TouchpointCore.Environment.live.now().timeIntervalSince1970 * 1000)))").run()
                return true
            }
            if done { applied.append(migration.version) }
        }
        return applied
    }

    /// The highest applied version, or 0 for an empty database.
    public static func currentVersion(_ database: any Database) async throws -> Int {
        try await database.read { db in
            let row = try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").first()
            return (try? row?.decode(column: "v", as: Int?.self)) ?? 0
        }
    }

    public static var latestVersion: Int { all.map(\.version).max() ?? 0 }
}
