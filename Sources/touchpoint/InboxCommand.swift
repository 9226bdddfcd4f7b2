import ArgumentParser
import Foundation
import TouchpointApp
import TouchpointApplication
import TouchpointCore
import TouchpointStore

/// `touchpoint inbox …`: the webhook contact points' envelopes (SMS, WhatsApp, the phone
/// system) for operators: list the quarantine, run an envelope again, discard it, or process
/// what is waiting when no server runs.
struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox", abstract: "List, re-run or discard quarantined webhook envelopes (SMS, WhatsApp, phone system); process waiting ones.",
        subcommands: [Quarantine.self, Rerun.self, Discard.self, Process.self])

    struct Quarantine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List quarantined envelopes (or another state with --state).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "received, processed, quarantined or discarded.") var state: String = "quarantined"
        @Option(help: "At most this many per brand.") var limit: Int = 50

        func run() async throws {
            guard let state = EnvelopeState(rawValue: state) else {
                throw ValidationError("--state must be received, processed, quarantined or discarded")
            }
            try await MailCommand.withStore(database) { store in
                for brand in try await store.brands() {
                    for envelope in try await store.envelopes(brand: brand.id, state: state, limit: limit, cursor: nil).items {
                        print(
                            [
                                envelope.id.uuidString.lowercased(), brand.slug, envelope.receivedAt.ISO8601Format(), envelope.contactPoint.rawValue,
                                envelope.source, envelope.providerKey, envelope.stage?.rawValue ?? "", envelope.reason ?? "",
                            ].joined(separator: "\t"))
                    }
                }
            }
        }
    }

    struct Rerun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a quarantined envelope through intake again.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The envelope's id.") var id: String

        func run() async throws {
            try await MailCommand.withStore(database) { store in
                let (uuid, brand) = try await InboxCommand.find(id, in: store)
                let envelope = try await Inbox(store: store, logger: quietLogger()).rerun(uuid, brand: brand, actor: .system)
                print([envelope.state.rawValue, envelope.stage?.rawValue, envelope.reason].compactMap { $0 }.joined(separator: " "))
            }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Throw a quarantined envelope away (its record stays).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The envelope's id.") var id: String

        func run() async throws {
            try await MailCommand.withStore(database) { store in
                let (uuid, brand) = try await InboxCommand.find(id, in: store)
                _ = try await store.discardEnvelope(uuid, brand: brand, actor: .system)
                print("discarded \(id)")
            }
        }
    }

    struct Process: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Process every envelope that is waiting, then exit (serve does this by itself).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await MailCommand.withStore(database) { store in
                let taken = try await Inbox(store: store, logger: quietLogger()).processPending()
                print("processed \(taken) envelope\(taken == 1 ? "" : "s")")
            }
        }
    }

    /// The brand an envelope belongs to (operators work across brands here).
    static func find(_ id: String, in store: Store) async throws -> (UUID, BrandID) {
        try await MailCommand.findBrand(of: id, named: "envelope", in: store) { uuid, brand in (try? await store.envelope(uuid, brand: brand)) != nil
        }
    }
}
