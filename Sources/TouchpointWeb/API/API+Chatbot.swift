import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// One line of the deflection report on the wire.
struct DeflectionDTO: Encodable {
    var contactPoint: ContactPoint
    var serviceModel: ServiceModel?
    var articleId: String?
    var articleTitle: String?
    var conversations: Int
    var selfService: Int
    var deflected: Int
    var inWindow: Int
    var handedOff: Int
    /// Deflected over the self-service conversations whose window has ended; nil before any has.
    var deflectionRate: Double?

    init(_ row: DeflectionRow, title: String?) {
        contactPoint = row.contactPoint
        serviceModel = row.serviceModel
        articleId = row.articleID?.text
        articleTitle = title
        conversations = row.conversations
        selfService = row.selfService
        deflected = row.deflected
        inWindow = row.inWindow
        handedOff = row.handedOff
        let decided = row.selfService - row.inWindow
        deflectionRate = decided > 0 ? Double(row.deflected) / Double(decided) : nil
    }
}

struct DeflectionReportDTO: Encodable {
    var from: Date
    var to: Date
    var windowDays: Int
    var totals: DeflectionDTO
    var rows: [DeflectionDTO]
}

extension API {
    func addChatbotRoutes(to group: RouterGroup<TouchpointContext>) {
        // How many of the assistant's conversations were solved without a person, honestly:
        // only if the customer then had no human contact anywhere for seven days.
        group.get("chatbot/deflection") { request, context in
            let caller = try context.caller(may: .writeArticles)
            let query = Query(request: request)
            let now = app.environment.now()
            let to = try query.date("to") ?? now
            let from = try query.date("from") ?? to.addingTimeInterval(-30 * 24 * 3600)
            guard from < to else { throw Problem.invalid(ValidationError(field: "from", reason: "must be before to")) }
            let rows = try await app.chatbot.deflection(brand: caller.brandID, from: from, to: to)
            var titles: [ArticleID: String] = [:]
            for id in Set(rows.compactMap(\.articleID)) {
                titles[id] = try await app.knowledge.article(id, brand: caller.brandID, reader: .staff)?.content.title
            }
            let sum = rows.reduce(
                into: DeflectionRow(
                    contactPoint: .chatbot, serviceModel: nil, articleID: nil, conversations: 0, selfService: 0,
                    deflected: 0, inWindow: 0, handedOff: 0)
            ) { total, row in
                total.conversations += row.conversations
                total.selfService += row.selfService
                total.deflected += row.deflected
                total.inWindow += row.inWindow
                total.handedOff += row.handedOff
            }
            return try JSONIO.response(
                DeflectionReportDTO(
                    from: from, to: to, windowDays: Int(Chatbot.deflectionWindow / 86400), totals: DeflectionDTO(sum, title: nil),
                    rows: rows.map { DeflectionDTO($0, title: $0.articleID.flatMap { titles[$0] }) }))
        }
    }
}
