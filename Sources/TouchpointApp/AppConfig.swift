import Foundation
import TouchpointApplication
import TouchpointChannels
import TouchpointCore
import TouchpointStore
import TouchpointWeb

/// Everything `serve` needs, parsed once from the command line and the environment.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    public var database: DatabaseLocation
    public var web: WebConfig
    /// Load the demo data set when the database is new.
    public var loadDemoData: Bool
    public var mail: MailConfig

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation, web: WebConfig = WebConfig(), loadDemoData: Bool = true,
                mail: MailConfig = MailConfig()) {
        self.host = host
        self.port = port
        self.database = database
        self.web = web
        self.loadDemoData = loadDemoData
        self.mail = mail
    }

    /// Where customers reach this server, for links the server writes on its own (the
    /// assistant's answers): `--public-url`, else this host and the port once bound.
    public func publicAddress() -> PublicAddress {
        let address = PublicAddress(configured: web.publicURL)
        address.bound(host: host, port: port)
        return address
    }

    /// Picks the database: `--database-url`, else `TOUCHPOINT_DATABASE_URL`, else SQLite in `dataDir`.
    public static func databaseLocation(dataDir: String, databaseURL: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseLocation {
        if let url = databaseURL ?? environment["TOUCHPOINT_DATABASE_URL"], !url.isEmpty { return .postgres(url: url) }
        return .sqlite(directory: dataDir)
    }
}

/// The mail listeners of `serve`.
public struct MailConfig: Sendable {
    /// Address the SMTP and LMTP listeners bind to (loopback: an MTA on this host delivers).
    public var host: String
    /// SMTP port; nil turns the listener off, 0 picks a free port.
    public var smtpPort: Int?
    /// LMTP port (RFC 2033, for Postfix's `lmtp:` transport); nil turns it off.
    public var lmtpPort: Int?
    /// The name in the greeting and in `Received:` headers.
    public var hostname: String
    /// Larger messages are refused with 552.
    public var maxMessageBytes: Int
    /// Where outbound mail goes; without one it waits in the outbox.
    public var smarthost: Smarthost?

    public init(host: String = "127.0.0.1", smtpPort: Int? = 2525, lmtpPort: Int? = 2424, hostname: String = "localhost",
                maxMessageBytes: Int = 25 * 1_048_576, smarthost: Smarthost? = nil) {
        self.host = host
        self.smtpPort = smtpPort
        self.lmtpPort = lmtpPort
        self.hostname = hostname
        self.maxMessageBytes = maxMessageBytes
        self.smarthost = smarthost
    }

    /// `host`, `host:port` or `[v6]:port` of `--smarthost`; the port defaults to 25.
    public static func smarthost(_ value: String, username: String?, password: String?, heloName: String, startTLS: Bool = false,
                                 trustedCertificates: String? = nil) throws(ValidationError) -> Smarthost {
        var host = value
        var port = 25
        if let colon = value.lastIndex(of: ":"), !value.hasSuffix("]"), value.filter({ $0 == ":" }).count == 1 || value.hasPrefix("[") {
            guard let number = Int(value[value.index(after: colon)...]), (1...65535).contains(number) else {
                throw ValidationError(field: "--smarthost", reason: "the port must be a number from 1 to 65535")
            }
            port = number
            host = String(value[..<colon])
        }
        host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { throw ValidationError(field: "--smarthost", reason: "give a host name, as in mail.example.com:587") }
        if username != nil, password == nil {
            throw ValidationError(field: "--smarthost-user", reason: "set the password in TOUCHPOINT_SMARTHOST_PASSWORD")
        }
        if let file = trustedCertificates, !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError(field: "--smarthost-ca-file", reason: "cannot read \(file)")
        }
        return Smarthost(host: host, port: port, username: username, password: password, heloName: heloName, startTLS: startTLS,
                         trustedCertificates: trustedCertificates)
    }
}
