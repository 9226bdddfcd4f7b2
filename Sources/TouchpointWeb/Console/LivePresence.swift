import Foundation
import TouchpointApplication
import TouchpointCore

/// The collision indicator's half of a console page's live socket. A case page says which
/// case it shows and whether its person is typing (`{"type": "viewing", "caseId", "typing"}`,
/// at least every `CasePresence.heartbeat`); the socket answers with the colleagues on the
/// same case whenever that changes (`{"event": "presence", "caseId", "viewers", "text"}`),
/// looking every `look`, so people on other nodes are seen too.
final class LivePresence: @unchecked Sendable {
    /// What a page says.
    struct Said: Decodable {
        var type: String
        var caseId: String?
        var typing: Bool?
    }

    /// What the page hears.
    struct Heard: Encodable, Equatable {
        struct Person: Encodable, Equatable {
            var name: String
            var typing: Bool
        }

        var event = "presence"
        var caseId: String
        var viewers: [Person]
        /// The sentence to show, empty when nobody else is there.
        var text: String
    }

    static let look: Duration = .seconds(2)
    private let app: UseCases
    private let user: StaffUser
    private let send: @Sendable (String) -> Void
    private let lock = NSLock()
    private var caseID: CaseID?
    private var last: Heard?

    init(app: UseCases, user: StaffUser, send: @escaping @Sendable (String) -> Void) {
        self.app = app
        self.user = user
        self.send = send
    }

    /// What the page hears about a message it sent that could not be taken.
    struct Refusal: Encodable {
        var event = "error"
        var detail: String
    }

    /// Takes one message of the page. One that cannot be read, of another type, or about a
    /// case the person's brand does not have is answered with an `error` event saying why
    /// (and changes nothing).
    func heard(_ text: String) async {
        guard let said = try? JSONIO.decoder.decode(Said.self, from: Data(text.utf8)) else {
            return refuse("a message is a JSON object with a \"type\"")
        }
        guard said.type == "viewing" else { return refuse("unknown message type '\(said.type.prefix(40))'; this socket takes \"viewing\"") }
        guard let id = said.caseId.flatMap(UUID.init(text:)) else { return refuse("\"caseId\" must be the id of a case") }
        let previous = lock.withLock { () -> CaseID? in
            defer { caseID = id }
            return caseID
        }
        if let previous, previous != id { try? await app.caseViewers.leave(caseID: previous, user: user) }
        guard let viewers = try? await app.caseViewers.mark(caseID: id, user: user, typing: said.typing) else {
            lock.withLock { if caseID == id { caseID = nil } }
            return refuse("no case \(id.text) here")
        }
        tell(viewers, on: id)
    }

    private func refuse(_ detail: String) {
        if let data = try? JSONIO.encoder.encode(Refusal(detail: detail)) { send(String(decoding: data, as: UTF8.self)) }
    }

    /// Looks for colleagues coming and going until the socket closes, then leaves the case.
    func follow() async {
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: Self.look)) != nil else { break }
            guard let id = lock.withLock({ caseID }), let viewers = try? await app.caseViewers.viewers(caseID: id, reader: user) else { continue }
            tell(viewers, on: id)
        }
        if let id = lock.withLock({ caseID }) {
            // Not under the socket's cancelled task: the page is gone, its mark must go too.
            let (app, user) = (app, user)
            Task { try? await app.caseViewers.leave(caseID: id, user: user) }
        }
    }

    private func tell(_ viewers: [CasePresence.Viewer], on id: CaseID) {
        let heard = Heard(caseId: id.text, viewers: viewers.map { Heard.Person(name: $0.name, typing: $0.typing) },
                          text: CasePresence.sentence(viewers) ?? "")
        let changed = lock.withLock { () -> Bool in
            guard last != heard else { return false }
            last = heard
            return true
        }
        if changed, let data = try? JSONIO.encoder.encode(heard) { send(String(decoding: data, as: UTF8.self)) }
    }
}
