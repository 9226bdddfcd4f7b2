import ArgumentParser
import Foundation
import Logging
import TouchpointApp
import TouchpointCore
import TouchpointStore

/// `touchpoint mail …`: delivery from an MTA's pipe, and the operator's quarantine.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail", abstract: "Receive mail from a pipe; list, download, re-run or discard quarantined mail.",
        subcommands: [Deliver.self, Quarantine.self, Raw.self, Rerun.self, Discard.self])

    /// sysexits.h: what an MTA's pipe transport understands.
    static let dataError: Int32 = 65
    static let tempFail: Int32 = 75

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store one message read from standard input (exit 0 stored, 75 try again later, 65 rejected).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The mailbox the message was sent to.") var recipient: String
        @Option(help: "The envelope sender (\"\" for a bounce).") var sender: String = ""
        @Option(help: "Largest accepted message in bytes.") var maxMessageBytes: Int = 25 * 1_048_576

        func run() async throws {
            var raw: [UInt8] = []
            while let chunk = try? FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
                raw.append(contentsOf: chunk)
                if raw.count > maxMessageBytes { MailCommand.fail("the message exceeds \(maxMessageBytes) bytes", code: MailCommand.dataError) }
            }
            if raw.isEmpty { MailCommand.fail("no message on standard input", code: MailCommand.dataError) }
            let store: Store
            do {
                store = try await Touchpoint.openStore(database.location, logger: quietLogger())
            } catch {
                MailCommand.fail("the database is unavailable: \(error)", code: MailCommand.tempFail)
            }
            let ids: [UUID]
            do {
                guard try await store.mailbox(address: recipient) != nil else {
                    await store.database.shutdown()
                    MailCommand.fail("no mailbox \(recipient) here", code: MailCommand.dataError)
                }
                ids = try await store.receiveMail(raw: raw, envelopeFrom: sender, recipients: [recipient])
            } catch {
                await store.database.shutdown()
                MailCommand.fail("the message could not be stored: \(error)", code: MailCommand.tempFail)
            }
            // Stored: from here on the message is ours. A processing failure leaves it for
            // the server's intake sweep.
            for id in ids {
                if let result = try? await store.processMail(id) {
                    print("stored \(id.uuidString.lowercased()): \(result.outcome.rawValue)\(result.caseNumber.map { " case #\($0)" } ?? "")\(result.reason.map { " (\($0))" } ?? "")")
                } else {
                    print("stored \(id.uuidString.lowercased()): queued for processing")
                }
            }
            await store.database.shutdown()
        }
    }

    struct Quarantine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined mail (or another state with --state).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "received, processed, quarantined or discarded.") var state: String = "quarantined"
        @Option(help: "At most this many per brand.") var limit: Int = 50

        func run() async throws {
            guard let state = InboundMailState(rawValue: state) else { throw ValidationError("--state must be received, processed, quarantined or discarded") }
            try await MailCommand.withStore(database) { store in
                for brand in try await store.brands() {
                    for record in try await store.inboundMail(brand: brand.id, state: state, limit: limit, cursor: nil).items {
                        print([record.id.uuidString.lowercased(), brand.slug, record.receivedAt.ISO8601Format(), record.sender ?? record.envelopeFrom,
                               "\(record.size) B", record.subject ?? "", record.reason ?? ""].joined(separator: "\t"))
                    }
                }
            }
        }
    }

    struct Raw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a received message's raw bytes to standard output.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The id of the received message.") var id: String

        func run() async throws {
            try await MailCommand.withStore(database) { store in
                let (uuid, brand) = try await MailCommand.find(id, in: store)
                FileHandle.standardOutput.write(try await store.rawMail(uuid, brand: brand))
            }
        }
    }

    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a quarantined message through intake again.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The id of the received message.") var id: String
        @Flag(help: "Let it through the per-sender rate limit.") var force = false

        func run() async throws {
            try await MailCommand.withStore(database) { store in
                let (uuid, brand) = try await MailCommand.find(id, in: store)
                let result = try await store.rerunMail(uuid, brand: brand, actor: .system, force: force)
                print("\(result.outcome.rawValue)\(result.caseNumber.map { " case #\($0)" } ?? "")\(result.reason.map { " (\($0))" } ?? "")")
            }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Throw a quarantined message away (its record stays).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The id of the received message.") var id: String

        func run() async throws {
            try await MailCommand.withStore(database) { store in
                let (uuid, brand) = try await MailCommand.find(id, in: store)
                try await store.discardMail(uuid, brand: brand, actor: .system)
                print("discarded \(id)")
            }
        }
    }

    static func withStore(_ options: DatabaseOptions, _ body: (Store) async throws -> Void) async throws {
        let store = try await Touchpoint.openStore(options.location, logger: quietLogger())
        do {
            try await body(store)
        } catch let error as StoreError {
            await store.database.shutdown()
            fail(describe(error), code: 1)
        }
        await store.database.shutdown()
    }

    /// The brand a received message belongs to (operators work across brands here).
    static func find(_ id: String, in store: Store) async throws -> (UUID, BrandID) {
        try await findBrand(of: id, named: "received message", in: store) { uuid, brand in (try? await store.inboundMail(uuid, brand: brand)) != nil }
    }

    /// The brand whose `exists` says it holds the object with this id.
    static func findBrand(of id: String, named what: String, in store: Store,
                          exists: (UUID, BrandID) async -> Bool) async throws -> (UUID, BrandID) {
        guard let uuid = UUID(uuidString: id) else { throw ValidationError("\(id) is not the id of any \(what)") }
        for brand in try await store.brands() where await exists(uuid, brand.id) {
            return (uuid, brand.id)
        }
        throw StoreError.notFound("\(what) \(id)")
    }

    static func describe(_ error: StoreError) -> String {
        switch error {
        case .notFound(let what): "no \(what)"
        case .conflict(let why), .forbidden(let why), .unavailable(let why): why
        case .invalid(let field, let reason): "\(field): \(reason)"
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("touchpoint: \(message)\n".utf8))
        Foundation.exit(code)
    }
}

func quietLogger() -> Logger {
    var logger = makeLogger()
    if ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil { logger.logLevel = .warning }
    return logger
}
