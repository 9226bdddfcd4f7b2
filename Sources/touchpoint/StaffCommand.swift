import ArgumentParser
import Foundation
import TouchpointApp
import TouchpointCore
import TouchpointStore
import TouchpointWeb

/// `touchpoint staff password`: how the first administrator of a new installation (and
/// anyone locked out) gets a console password.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "Manage staff sign-in.", subcommands: [Password.self])

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a staff member's console password and end their sessions.",
            discussion: "The password is read from standard input (one line); with --generate a random one is made and printed once.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Email of the staff member.") var email: String
        @Flag(help: "Generate a random password and print it.") var generate = false

        func run() async throws {
            let password: String
            if generate {
                var rng = SystemRandomNumberGenerator()
                let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                password = String((0..<20).map { _ in alphabet[Int(rng.next(upperBound: UInt(alphabet.count)))] })
            } else {
                password = readLine(strippingNewline: true) ?? ""
            }
            do {
                _ = try Passwords.validate(password)
            } catch {
                throw ValidationError("\(error.field): \(error.reason)")
            }
            let store = try await Touchpoint.openStore(database.location, logger: makeLogger())
            do {
                guard let user = try await store.credentials(email: email)?.user else { throw StoreError.notFound("staff user \(email)") }
                try await store.setPasswordHash(try await Passwords.hash(password), userID: user.id, brand: user.brandID, actor: .system)
                await store.database.shutdown()
                FileHandle.standardError.write(Data("Password set for \(user.email); their sessions were ended.\n".utf8))
                if generate { print(password) }
            } catch StoreError.notFound(let what) {
                await store.database.shutdown()
                FileHandle.standardError.write(Data("error: \(what) not found\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
