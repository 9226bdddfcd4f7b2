import ArgumentParser
import Foundation
import TouchpointCore
import TouchpointStore

/// `touchpoint outbox`: the operator's view of what goes out on every contact point, mainly
/// the dead letters (messages refused for good or out of attempts) and sending them again.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "List outgoing messages (dead letters by default) on every contact point; send failed ones again.",
        subcommands: [List.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "List failed messages (or another state with --state): id, brand, created, contact point, recipient, attempts, what, last error.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "pending, sending, sent or failed.") var state: String = "failed"
        @Option(name: .customLong("contact-point"), help: "Only this contact point (email, sms, whatsApp).") var contactPoint: String?
        @Option(help: "At most this many per brand.") var limit: Int = 50

        func run() async throws {
            let (state, points) = try OutboxCommand.filters(state: state, contactPoint: contactPoint)
            try await MailCommand.withStore(database) { store in
                for brand in try await store.brands() {
                    for item in try await store.outbox(brand: brand.id, state: state, contactPoints: points, limit: limit, cursor: nil).items {
                        print(
                            [
                                item.id.uuidString.lowercased(), brand.slug, item.createdAt.ISO8601Format(), item.contactPoint.rawValue,
                                item.recipient,
                                "\(item.attempts)", OutboxCommand.what(item), item.lastError ?? "",
                            ].joined(separator: "\t"))
                    }
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send failed messages again: the ids given, or with --all every failed one (of one contact point with --contact-point).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The messages' ids.") var ids: [String] = []
        @Flag(help: "Every failed message.") var all = false
        @Option(name: .customLong("contact-point"), help: "With --all: only this contact point.") var contactPoint: String?

        func validate() throws {
            guard all == ids.isEmpty else { throw ValidationError("give the ids of the messages, or --all") }
            if contactPoint != nil && !all { throw ValidationError("--contact-point goes with --all") }
        }

        func run() async throws {
            let points = try OutboxCommand.contactPoints(contactPoint)
            try await MailCommand.withStore(database) { store in
                var targets: [(UUID, BrandID)] = []
                if all {
                    for brand in try await store.brands() {
                        // Page through: each retry takes the message out of the failed list.
                        var cursor: Cursor?
                        repeat {
                            let page = try await store.outbox(brand: brand.id, state: .failed, contactPoints: points, limit: 200, cursor: cursor)
                            targets += page.items.map { ($0.id, brand.id) }
                            cursor = try page.nextCursor.map { try Cursor(token: $0) }
                        } while cursor != nil
                    }
                } else {
                    for id in ids {
                        targets.append(
                            try await MailCommand.findBrand(of: id, named: "outgoing message", in: store) { uuid, brand in
                                (try? await store.outboxItem(uuid, brand: brand)) != nil
                            })
                    }
                }
                for (id, brand) in targets {
                    let item = try await store.retryOutbox(id, brand: brand)
                    print("\(item.id.uuidString.lowercased())\t\(item.state.rawValue)")
                }
                if all { print("\(targets.count) message\(targets.count == 1 ? "" : "s") queued again") }
            }
        }
    }

    static func filters(state: String, contactPoint: String?) throws -> (OutboxState, Set<ContactPoint>?) {
        guard let parsed = OutboxState(rawValue: state) else { throw ValidationError("--state must be pending, sending, sent or failed") }
        return (parsed, try contactPoints(contactPoint))
    }

    /// The contact points `--contact-point` names; nil for all of them.
    static func contactPoints(_ contactPoint: String?) throws -> Set<ContactPoint>? {
        guard let contactPoint else { return nil }
        guard let point = ContactPoint(rawValue: contactPoint), [.email, .sms, .whatsApp].contains(point) else {
            throw ValidationError("--contact-point must be email, sms or whatsApp")
        }
        return [point]
    }

    /// One line about the message: an email's subject, a text's first words.
    static func what(_ item: OutboxItem) -> String {
        let words = item.email?.mail.subject ?? item.text?.text ?? ""
        let line = words.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 60 ? String(line.prefix(59)) + "…" : line
    }
}
