import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

extension API {
    func addSurveyRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("surveys/settings") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(try await app.surveys.settings(brand: caller.brandID))
        }
        group.put("surveys/settings") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(SurveySettings.self, from: request)
            return try JSONIO.response(try await app.surveys.setSettings(body, brand: caller.brandID))
        }
    }
}
