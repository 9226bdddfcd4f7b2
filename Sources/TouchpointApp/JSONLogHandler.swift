import Foundation
import Logging
import TouchpointCore

/// Log lines as JSON objects, one per line on standard error, for log collectors:
/// `{"time": "…", "level": "info", "component": "inbox", "message": "…", …metadata}`.
/// `serve` uses it when `LOG_FORMAT=json`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private static let lock = NSLock()

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(TouchpointCore.Environment.live.now())
        var object: [String: Any] = [
            "time": time,
            "level": event.level.rawValue, "logger": label, "message": "\(event.message)",
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = Self.plain(value) }
        if object["source"] == nil { object["source"] = event.source }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        // One write per line, and lines of concurrent tasks never interleave.
        Self.lock.withLock { FileHandle.standardError.write(line) }
    }

    static func plain(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let items): items.map(plain)
        case .dictionary(let entries): entries.mapValues(plain)
        }
    }
}
