import Foundation
import TouchpointCore
import TouchpointStore

/// What looking for a case to continue (one need, one case) adds to intake, on a database
/// that already holds the other benchmarks' cases: 2,000 known customers write by email,
/// half with the lookup (they have no open case, so it finds nothing and a case opens) and
/// half without it (`mayContinue` off); then the first half write again by SMS, which
/// continues their case. Each message is timed through `Store.openCase`, the intake path of
/// every contact point. Target: the lookup adds ≤ 1 ms at p99.
func continuationBenchmark(store: Store, brand: BrandID) async throws {
    var people: [(email: String, phone: String)] = []
    for number in 0..<2_000 {
        let email = "writer\(number)@example.org", phone = "+4860\(String(format: "%07d", number))"
        _ = try await store.createContact(brand: brand, actor: .system, accountID: nil, name: "Writer \(number)", title: nil, preferredContactPoint: nil,
                                          identities: [Identity(storedKind: .email, value: email), Identity(storedKind: .phone, value: phone)])
        people.append((email, phone))
    }
    func timed(_ requests: [OpenCase]) async throws -> (times: [Double], continued: Int) {
        var times: [Double] = []
        var continued = 0
        for request in requests {
            let start = DispatchTime.now().uptimeNanoseconds
            let opened = try await store.openCase(brand: brand, actor: nil, request: request)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            if opened.continued { continued += 1 }
        }
        return (times.sorted(), continued)
    }
    func email(_ person: (email: String, phone: String), lookup: Bool) -> OpenCase {
        var request = OpenCase(contactPoint: .email, from: Identity(storedKind: .email, value: person.email), subject: "Meter", body: "It stopped.")
        request.mayContinue = lookup
        return request
    }
    let looked = try await timed(people[..<1_000].map { email($0, lookup: true) })
    let plain = try await timed(people[1_000...].map { email($0, lookup: false) })
    let again = try await timed(people[..<1_000].map {
        OpenCase(contactPoint: .sms, from: Identity(storedKind: .phone, value: $0.phone), subject: "Meter", body: "Still stopped.")
    })
    func p(_ times: [Double], _ share: Double) -> Double { times[min(times.count - 1, Int(Double(times.count) * share))] }
    let added = p(looked.times, 0.99) - p(plain.times, 0.99)
    print(String(format: "continuation: new case with the lookup p50 %.2f ms, p99 %.2f ms; without p50 %.2f ms, p99 %.2f ms", p(looked.times, 0.5),
                 p(looked.times, 0.99), p(plain.times, 0.5), p(plain.times, 0.99)))
    print(String(format: "continuation: %d of 1,000 SMS continued their case, p50 %.2f ms, p99 %.2f ms", again.continued, p(again.times, 0.5),
                 p(again.times, 0.99)))
    print(String(format: "continuation: the lookup adds %.2f ms at p99   target ≤ 1 ms: %@", added, (added <= 1 ? "ok" : "OVER TARGET") as NSString))
}
