import ArgumentParser
import Foundation
import Logging
import TouchpointApp
import TouchpointChannels
import TouchpointCore
import TouchpointStore

/// Options every command that opens the database shares, so a second process can work on
/// the database a running `serve` uses.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Directory of the embedded SQLite database (touchpoint.sqlite).")
    var dataDir: String = "./data"

    @Option(help: "PostgreSQL URL (postgres://user:password@host:port/db); also TOUCHPOINT_DATABASE_URL.")
    var databaseURL: String?

    var location: DatabaseLocation { AppConfig.databaseLocation(dataDir: dataDir, databaseURL: databaseURL) }
}

/// The process's logger: `LOG_LEVEL` (trace … critical, default info); `LOG_FORMAT=json` writes
/// one JSON object per line instead of text.
func makeLogger() -> Logger {
    let json = ProcessInfo.processInfo.environment["LOG_FORMAT"]?.lowercased() == "json"
    var logger = json ? Logger(label: "touchpoint") { JSONLogHandler(label: $0) } : Logger(label: "touchpoint")
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

@main
struct TouchpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "touchpoint",
        abstract: "Touchpoint: one customer history across every contact point.",
        subcommands: [Serve.self, Migrate.self, Demo.self, TokenCommand.self, StaffCommand.self, CalendarCommand.self, MailCommand.self, InboxCommand.self, OutboxCommand.self,
                      KioskCommand.self, ImportCommand.self],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (migrates, and loads demo data into a new database).")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port: Int = 8080
    @Option(help: "Largest accepted request body in bytes.") var maxBodyBytes: Int = 1_048_576
    @Option(help: "Seconds a connection may stay idle, or take to send a request's headers, before it is closed (1 to 3600).")
    var idleTimeout: Int = 30
    @Flag(help: "Do not load demo data into a new database.") var noDemo = false
    @Option(help: "Address the SMTP and LMTP listeners bind to.") var smtpHost: String = "127.0.0.1"
    @Option(parsing: .unconditional, help: "SMTP listener port (0 picks a free one, -1 turns it off).") var smtpPort: Int = 2525
    @Option(parsing: .unconditional, help: "LMTP listener port (0 picks a free one, -1 turns it off).") var lmtpPort: Int = 2424
    @Option(help: "Host name in the SMTP greeting and Received headers.") var mailHostname: String = "localhost"
    @Option(help: "Largest accepted mail message in bytes.") var maxMessageBytes: Int = 25 * 1_048_576
    @Option(help: "Send outbound mail through this SMTP server (host or host:port).") var smarthost: String?
    @Option(help: "User for AUTH at the smarthost (the password comes from TOUCHPOINT_SMARTHOST_PASSWORD).") var smarthostUser: String?
    @Flag(help: "Require STARTTLS at the smarthost.") var smarthostStarttls = false
    @Option(help: "PEM file of certificate authorities to trust for the smarthost instead of the system's.") var smarthostCaFile: String?
    @Option(help: "The URL people reach Touchpoint at, e.g. https://help.example.com behind a TLS proxy (https marks cookies Secure).")
    var publicUrl: String?

    func run() async throws {
        let relay: Smarthost?
        do {
            relay = try smarthost.map {
                try MailConfig.smarthost($0, username: smarthostUser, password: ProcessInfo.processInfo.environment["TOUCHPOINT_SMARTHOST_PASSWORD"],
                                         heloName: mailHostname, startTLS: smarthostStarttls, trustedCertificates: smarthostCaFile)
            }
        } catch let error as TouchpointCore.ValidationError {
            throw ValidationError("\(error.field): \(error.reason)")
        }
        let mail = MailConfig(host: smtpHost, smtpPort: smtpPort < 0 ? nil : smtpPort, lmtpPort: lmtpPort < 0 ? nil : lmtpPort,
                              hostname: mailHostname, maxMessageBytes: maxMessageBytes, smarthost: relay)
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout: between 1 and 3600 seconds") }
        let config = AppConfig(host: host, port: port, database: database.location,
                               web: .init(maxBodyBytes: maxBodyBytes, publicURL: publicUrl, logSignInLinks: publicUrl == nil, idleTimeout: .seconds(idleTimeout)),
                               loadDemoData: !noDemo,
                               mail: mail)
        try await Touchpoint.serve(config: config, logger: makeLogger())
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let db = try await database.location.open(logger: makeLogger())
        let applied = try await Migrator.migrate(db)
        let version = try await Migrator.currentVersion(db)
        await db.shutdown()
        print(applied.isEmpty ? "Up to date at version \(version)." : "Applied \(applied.map(String.init).joined(separator: ", ")); now at version \(version).")
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the demo data set into an empty database.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let store = try await Touchpoint.openStore(database.location, logger: makeLogger())
        do {
            let summary = try await DemoData.load(into: store)
            print("Loaded \(summary.summary).")
            print("Demo admin token (shown once): \(summary.adminToken)")
        } catch StoreError.conflict(let why) {
            await store.database.shutdown()
            print("error: \(why)")
            throw ExitCode(1)
        } catch {
            await store.database.shutdown()
            throw error
        }
        await store.database.shutdown()
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token for a staff user and print it once.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Email of the staff user the token acts as.") var email: String
        @Option(help: "read or write.") var scope: String = "write"
        @Option(help: "A name to recognise the token by.") var name: String = "cli"

        func run() async throws {
            guard let scope = TokenScope(rawValue: scope) else { throw ValidationError("--scope must be read or write") }
            let store = try await Touchpoint.openStore(database.location, logger: makeLogger())
            do {
                let (token, user) = try await store.createToken(email: email, name: name, scope: scope)
                await store.database.shutdown()
                FileHandle.standardError.write(Data("Token for \(user.email) (\(user.role.rawValue), scope \(scope.rawValue)); it is not shown again:\n".utf8))
                print(token)
            } catch StoreError.notFound(let what) {
                await store.database.shutdown()
                FileHandle.standardError.write(Data("error: \(what) not found\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
