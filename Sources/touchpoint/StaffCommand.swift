import ArgumentParser
import Foundation
import TouchpointApp
import TouchpointApplication
import TouchpointCore
import TouchpointStore
import TouchpointWeb

/// `touchpoint staff password`: how the first administrator of a new installation (and
/// anyone locked out) gets a console password; `touchpoint staff add` adds a person.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "staff", abstract: "Manage staff and their sign-in.", subcommands: [Add.self, Password.self])

    /// A password made here, for `--generate`.
    static func generatedPassword() -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<20).map { _ in alphabet[Int(rng.next(upperBound: UInt(alphabet.count)))] })
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a staff member to a brand (the first administrator of a new brand, say).",
            discussion: "With --generate a random console password is made and printed once; without it, set one later with `staff password`.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The brand's slug.") var brand: String
        @Option(help: "Their email; they sign in with it.") var email: String
        @Option(help: "Their name as colleagues and customers read it.") var name: String
        @Option(help: "agentL1, agentL2, agentL3, csm, technician, billing, manager, executive or admin.") var role: String
        @Option(help: "The name of their team.") var team: String?
        @Flag(help: "Generate a random password and print it.") var generate = false

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("role: expected one of " + Role.allCases.map(\.rawValue).joined(separator: ", ")) }
            let store = try await Touchpoint.openStore(database.location, logger: makeLogger())
            let app = UseCases(store: store)
            do {
                guard let found = try await app.staff.brand(slug: brand) else { throw StoreError.notFound("brand \(brand)") }
                var teamID: TeamID?
                if let team {
                    guard let match = try await app.routing.teamProfiles(brand: found.id).first(where: { $0.team.name.lowercased() == team.lowercased() }) else {
                        throw StoreError.notFound("team \(team)")
                    }
                    teamID = match.team.id
                }
                let password = generate ? StaffCommand.generatedPassword() : nil
                var hash: String?
                if let password { hash = try await Passwords.hash(password) }
                let user = try await app.staff.addStaffMember(email: email, name: name, role: role, team: teamID, passwordHash: hash, brand: found.id,
                                                              actor: .system)
                await store.database.shutdown()
                FileHandle.standardError.write(Data("Added \(user.name) <\(user.email)> as \(role.words).\n".utf8))
                if let password { print(password) }
            } catch {
                await store.database.shutdown()
                let why = switch error {
                case StoreError.notFound(let what): "\(what) not found"
                case StoreError.conflict(let reason): reason
                case let invalid as TouchpointCore.ValidationError: "\(invalid.field): \(invalid.reason)"
                case StoreError.invalid(let field, let reason): "\(field): \(reason)"
                default: "\(error)"
                }
                FileHandle.standardError.write(Data("error: \(why)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

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
                password = StaffCommand.generatedPassword()
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
