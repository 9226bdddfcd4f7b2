import TouchpointApplication
import TouchpointCore

/// Delivers email through the smarthost: a 5xx reply refuses the message for good (and the
/// address, when the recipient was refused), anything else is tried again later.
public struct SMTPDriver: OutboundDriver {
    let client: SMTPClient

    public init(smarthost: Smarthost) {
        client = SMTPClient(smarthost: smarthost)
    }

    public var contactPoints: Set<ContactPoint> { [.email] }

    public func deliver(_ message: PreparedMessage) async -> DeliveryOutcome {
        guard case .email(let mail, let recipient) = message else { return .refused("not an email", recipientRejected: false) }
        do throws(SMTPClientError) {
            let reply = try await client.send(
                from: mail.from.address, to: [recipient], copies: mail.cc?.map(\.address) ?? [], message: mail.rendered())
            return .sent(receipt: reply, providerMessageID: nil)
        } catch {
            switch error {
            case .permanent(let why): return .refused(why, recipientRejected: true)
            case .temporary(let why): return .deferred(why)
            }
        }
    }
}
