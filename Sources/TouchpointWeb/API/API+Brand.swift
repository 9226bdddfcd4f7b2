import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The caller's brand as administrators set it up.
struct BrandDTO: Encodable {
    var id: String
    var slug: String
    var name: String
    var casePrefix: String
    var defaultCallingCode: String?
    /// The language customers are written to in.
    var language: Language
    /// The IANA time zone staff and customers read times in.
    var timeZone: String

    init(_ brand: Brand) {
        id = brand.id.text
        slug = brand.slug
        name = brand.name
        casePrefix = brand.casePrefix
        defaultCallingCode = brand.defaultCallingCode
        language = brand.language
        timeZone = brand.timeZone
    }
}

struct BrandPatchRequest: Decodable {
    var language: Language?
    var timeZone: String?
}

extension API {
    func addBrandRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("brand") { _, context in
            let caller = try context.caller(may: .readCustomers)
            return try JSONIO.response(BrandDTO(try await app.staff.brand(caller.brandID)))
        }
        group.patch("brand") { request, context in
            let caller = try context.caller(may: .administer)
            let body = try await io.decode(BrandPatchRequest.self, from: request)
            let brand = try await app.staff.updateBrand(caller.brandID, language: body.language, timeZone: body.timeZone, actor: .staff(caller.userID))
            return try JSONIO.response(BrandDTO(brand))
        }
    }
}
