import Foundation

extension ContactPoint {
    /// The name staff read.
    public var label: String {
        switch self {
        case .email: "Email"
        case .phone: "Phone"
        case .webChat: "Web chat"
        case .sms: "SMS"
        case .whatsApp: "WhatsApp"
        case .portal: "Portal"
        case .chatbot: "Chatbot"
        case .kiosk: "Kiosk"
        case .inPerson: "Walk-in"
        case .fieldService: "Field visit"
        case .billing: "Billing desk"
        }
    }
}

extension ServiceModel {
    /// The model as staff say it.
    public var words: String {
        switch self {
        case .techTouch: "Tech-touch"
        case .lowTouch: "Low-touch"
        case .midTouch: "Mid-touch"
        case .highTouch: "High-touch"
        }
    }
}
