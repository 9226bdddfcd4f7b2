import Foundation
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

    public init(host: String = "127.0.0.1", port: Int = 8080, database: DatabaseLocation, web: WebConfig = WebConfig(), loadDemoData: Bool = true) {
        self.host = host
        self.port = port
        self.database = database
        self.web = web
        self.loadDemoData = loadDemoData
    }

    /// Picks the database: `--database-url`, else `TOUCHPOINT_DATABASE_URL`, else SQLite in `dataDir`.
    public static func databaseLocation(dataDir: String, databaseURL: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseLocation {
        if let url = databaseURL ?? environment["TOUCHPOINT_DATABASE_URL"], !url.isEmpty { return .postgres(url: url) }
        return .sqlite(directory: dataDir)
    }
}
