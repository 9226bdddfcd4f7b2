import Foundation

/// Where customers reach this server, for links the server writes on its own (the
/// assistant's answers by chat, text and email): the configured public URL, or else the
/// address the HTTP server listens on, known once it is bound (a port of 0 is chosen then).
public final class PublicAddress: @unchecked Sendable {
    private let lock = NSLock()
    private let configured: String?
    private var listening: String

    /// - Parameters:
    ///   - configured: `--public-url`, which wins over the listening address.
    ///   - listening: the address until the server says where it is bound.
    public init(configured: String?, listening: String = "http://localhost:8080") {
        self.configured = configured.map(Self.trimmed)
        self.listening = Self.trimmed(listening)
    }

    /// The address, without a trailing slash.
    public var url: String { configured ?? lock.withLock { listening } }

    /// The server is bound: `host` and `port` are where it listens.
    public func bound(host: String, port: Int) {
        let name = host.contains(":") ? "[\(host)]" : host
        lock.withLock { listening = "http://\(name):\(port)" }
    }

    static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
