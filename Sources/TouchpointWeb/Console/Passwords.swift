import HummingbirdBcrypt
import NIOPosix
import TouchpointCore

/// Staff passwords: bcrypt hashes, computed off the request threads (a hash costs about a
/// quarter of a second of CPU by design, and the server has only a few threads).
public enum Passwords {
    /// bcrypt's work factor: 2^12 rounds.
    static let cost: UInt8 = 12
    /// Verified when the email is unknown, so both failures take equally long.
    static let decoy = Bcrypt.hash("touchpoint decoy password", cost: cost)

    /// Checks the rules a new password must meet. bcrypt reads only 72 bytes, so longer
    /// passwords are refused rather than silently cut.
    public static func validate(_ password: String) throws(ValidationError) -> String {
        guard password.count >= 10 else { throw ValidationError(field: "password", reason: "must have at least 10 characters") }
        guard password.utf8.count <= 72 else { throw ValidationError(field: "password", reason: "must be at most 72 bytes") }
        return password
    }

    public static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`; with no hash it spends the same time and fails.
    public static func verify(_ password: String, hash: String?) async throws -> Bool {
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash ?? decoy) }
        return hash != nil && matches
    }
}
