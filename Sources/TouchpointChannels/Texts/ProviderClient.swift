import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Posts to a messaging provider over AsyncHTTPClient: http or https, a deadline on the
/// whole exchange, redirects not followed (a provider URL that moves must be changed by an
/// administrator, not by the provider's answer), the answer's body read up to 1 MiB.
struct ProviderClient: Sendable {
    enum Failure: Error, CustomStringConvertible {
        case badURL(String)

        var description: String {
            switch self {
            case .badURL(let url): "not an http(s) URL: \(url)"
            }
        }
    }

    /// One client for the process: it keeps connections to providers alive between messages.
    /// It lives as long as the process, so it is never shut down.
    static let shared = HTTPClient(
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: .seconds(15))))

    var timeout: TimeAmount = .seconds(15)

    /// Posts `body` as JSON with `headers`; returns the status code and the body.
    func post(_ url: String, body: [UInt8], headers: [(String, String)]) async throws -> (status: Int, body: [UInt8]) {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parsed.host, !host.isEmpty
        else { throw Failure.badURL(url) }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await Self.shared.execute(request, timeout: timeout)
        let answer = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Array(answer.readableBytesView))
    }
}
