import Foundation
import Testing
@testable import TouchpointCore

@Suite("Collision indicators: who else is on a case, and who is writing")
struct CasePresenceTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let me = UUID()

    func mark(_ name: String, seen: TimeInterval, typed: TimeInterval? = nil, id: UUID = UUID()) -> CasePresence.Mark {
        CasePresence.Mark(userID: id, name: name, seenAt: now.addingTimeInterval(-seen), typingAt: typed.map { now.addingTimeInterval(-$0) })
    }

    @Test func theReaderIsLeftOutAndPagesThatWentQuietAreGone() {
        let marks = [mark("Me", seen: 1, typed: 1, id: me), mark("Ola", seen: 24), mark("Jan", seen: 26)]
        #expect(CasePresence.viewers(marks, reader: me, now: now).map(\.name) == ["Ola"])
        #expect(CasePresence.viewers([], reader: me, now: now).isEmpty)
    }

    @Test func typingStopsOnItsOwnAndWritersComeFirst() {
        let marks = [mark("Adam", seen: 2), mark("Ola", seen: 3, typed: 5), mark("Piotr", seen: 1, typed: 7)]
        let viewers = CasePresence.viewers(marks, reader: me, now: now)
        #expect(viewers.map(\.name) == ["Ola", "Adam", "Piotr"])
        #expect(viewers.map(\.typing) == [true, false, false])
    }

    @Test func theSentenceNamesWritersAndViewers() {
        func viewer(_ name: String, _ typing: Bool) -> CasePresence.Viewer { CasePresence.Viewer(userID: UUID(), name: name, typing: typing) }
        #expect(CasePresence.sentence([]) == nil)
        #expect(CasePresence.sentence([viewer("Ola Nowak", false)]) == "Ola Nowak is viewing this case.")
        #expect(CasePresence.sentence([viewer("Ola Nowak", true)]) == "Ola Nowak is writing on this case.")
        #expect(CasePresence.sentence([viewer("Ola", true), viewer("Adam", false), viewer("Jan", false)])
            == "Ola is writing on this case; Adam and Jan are viewing it.")
        #expect(CasePresence.sentence([viewer("Ola", true), viewer("Piotr", true), viewer("Adam", true)])
            == "Ola, Piotr and Adam are writing on this case.")
    }
}
