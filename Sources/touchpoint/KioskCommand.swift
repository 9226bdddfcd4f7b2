import ArgumentParser
import Foundation
import TouchpointApp
import TouchpointCore
import TouchpointStore

struct KioskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kiosk", abstract: "Register kiosk devices.", subcommands: [Register.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a kiosk and print its setup address once (open it on the kiosk's screen).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The brand's slug.") var brand: String
        @Option(help: "The location's slug, for its walk-in queue (optional).") var location: String?
        @Option(help: "A name staff recognise it by.") var name: String
        @Option(help: "Seconds without a touch before the screen forgets the customer.") var idle: Int = 60
        @Option(help: "Languages it offers, the first by default (en, pl).") var languages: String = "en"

        func run() async throws {
            let store = try await Touchpoint.openStore(database.location, logger: makeLogger())
            do {
                guard let found = try await store.brand(slug: brand) else { throw StoreError.notFound("brand \(brand)") }
                let place = try await location.asyncMap { try await store.location(slug: $0, brand: found.id) }
                let (kiosk, token) = try await store.registerKiosk(brand: found.id, location: place?.id, name: name, idleSeconds: idle,
                                                                   languages: languages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                await store.database.shutdown()
                FileHandle.standardError.write(Data("Kiosk \(kiosk.name) registered; open this address on its screen (it is not shown again):\n".utf8))
                print("/kiosk/setup?token=\(token)")
            } catch let error as StoreError {
                await store.database.shutdown()
                FileHandle.standardError.write(Data("error: \(MailCommand.describe(error))\n".utf8))
                throw ExitCode(1)
            } catch let error as TouchpointCore.ValidationError {
                await store.database.shutdown()
                FileHandle.standardError.write(Data("error: \(error.field): \(error.reason)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
