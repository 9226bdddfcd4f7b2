import Foundation
import Logging
import TouchpointCore
import TouchpointStore

/// The databases every store test runs on: SQLite always, PostgreSQL when
/// TOUCHPOINT_TEST_POSTGRES_URL names a server (`.ci/run` starts one).
public enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite, postgres

    public var description: String { rawValue }

    public static var available: [Backend] {
        ProcessInfo.processInfo.environment["TOUCHPOINT_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }
}

/// A fresh, migrated database per test, removed afterwards.
/// `migrateThrough` stops at that schema version (for tests of an upgrade).
public func withStore<T>(_ backend: Backend, environment: TouchpointCore.Environment = .live, migrateThrough: Int = .max,
                         _ body: (Store) async throws -> T) async throws -> T {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    switch backend {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-test-\(UUID().uuidString)").path
        let database = try await SQLiteDatabase.open(path: directory + "/touchpoint.sqlite", logger: logger)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Migrator.migrate(database, through: migrateThrough)
        do {
            let result = try await body(Store(database: database, environment: environment))
            await database.shutdown()
            return result
        } catch {
            await database.shutdown()
            throw error
        }
    case .postgres:
        let baseURL = ProcessInfo.processInfo.environment["TOUCHPOINT_TEST_POSTGRES_URL"]!
        let name = "tp_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try await PostgresDatabase.connect(url: baseURL, logger: logger)
        _ = try await admin.read { try await $0.raw("CREATE DATABASE \(unsafeRaw: String(name))").run() }
        var parts = URLComponents(string: baseURL)!
        parts.path = "/" + name
        let database = try await PostgresDatabase.connect(url: parts.string!, logger: logger)
        func cleanUp() async {
            await database.shutdown()
            _ = try? await admin.read { try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: String(name))").run() }
            await admin.shutdown()
        }
        do {
            try await Migrator.migrate(database, through: migrateThrough)
            let result = try await body(Store(database: database, environment: environment))
            await cleanUp()
            return result
        } catch {
            await cleanUp()
            throw error
        }
    }
}

/// A brand with a team and staff at a few roles, for tests to act in.
public struct Fixture: Sendable {
    public let brand: Brand
    public let team: Team
    public let admin: StaffUser
    public let agent: StaffUser
    public let csm: StaffUser

    public static func make(_ store: Store, slug: String = "acme") async throws -> Fixture {
        let brand = try await store.createBrand(slug: slug, name: slug.capitalized, casePrefix: slug.capitalized, defaultCallingCode: "48")
        let team = try await store.createTeam(brand: brand.id, name: "First line")
        return Fixture(
            brand: brand, team: team,
            admin: try await store.createStaffUser(brand: brand.id, email: "admin@\(slug).example", name: "Admin", role: .admin, team: nil),
            agent: try await store.createStaffUser(brand: brand.id, email: "agent@\(slug).example", name: "Agent", role: .agentL1, team: team.id),
            csm: try await store.createStaffUser(brand: brand.id, email: "csm@\(slug).example", name: "CSM", role: .csm, team: nil))
    }

    public func email(_ address: String, subject: String = "Help", body: String = "Please help", providerID: String? = nil, at: Date? = nil) throws -> OpenCase {
        OpenCase(contactPoint: .email, from: try Identity(kind: .email, raw: address), subject: subject, body: body,
                 providerMessageID: providerID, occurredAt: at)
    }
}

/// A clock tests move by hand, for SLA deadlines and the scheduler.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    public func set(_ date: Date) {
        lock.lock()
        current = date
        lock.unlock()
    }

    public var environment: TouchpointCore.Environment {
        Environment(now: { self.now }, newID: {
            var rng = SystemRandomNumberGenerator()
            return UUID.timeOrdered(at: self.now, using: &rng)
        })
    }
}

extension Logger {
    /// A logger for tests that only speaks up for critical trouble.
    public static func quiet(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return logger
    }
}

/// A brand written with the columns of the first schema, for tests that start from an older
/// version (the store's own `createBrand` writes the newest columns).
public func insertOldBrand(_ store: Store, slug: String = "acme") async throws -> BrandID {
    let id = UUID()
    try await store.database.write { db in
        try await db.raw("""
            INSERT INTO brands (id, slug, name, case_prefix, default_calling_code, created_at)
            VALUES (\(bind: id.text), \(bind: slug), 'Acme', 'Acme', '48', 1764000000000)
            """).run()
    }
    return id
}
