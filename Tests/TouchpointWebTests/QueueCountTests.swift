import Testing

@testable import TouchpointWeb

/// The inbox side bar's counts: exact up to the bound, then "10,000+" (issue "Fast at a million").
@Suite struct QueueCountTests {
    @Test func countsAreExactUpToTheBoundAndSayMoreBeyondIt() {
        #expect(Console.countText(0) == "0")
        #expect(Console.countText(999) == "999")
        #expect(Console.countText(9_999) == "9,999")
        #expect(Console.countText(10_000) == "10,000")
        #expect(Console.countText(10_001) == "10,000+")
    }
}
