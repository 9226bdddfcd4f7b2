import Foundation

/// Two contacts that may be one person, with why: for an agent to look at and merge. Only
/// what names a person is compared, never a guess from a name alone.
public enum DuplicateContacts {
    /// Why `other` may be the same person as `contact`; empty when nothing says so.
    public static func reasons(_ other: Contact, as contact: Contact) -> [String] {
        guard other.id != contact.id, other.mergedInto == nil, contact.mergedInto == nil else { return [] }
        var reasons: [String] = []
        func values(_ person: Contact, _ kinds: Set<IdentityKind>, _ key: (String) -> String) -> Set<String> {
            Set(person.identities.filter { kinds.contains($0.kind) }.map { key($0.value) })
        }
        // The same number as a phone on one and WhatsApp on the other, or written apart.
        let numbers = values(other, [.phone, .whatsApp], nationalDigits).intersection(values(contact, [.phone, .whatsApp], nationalDigits))
        if let number = numbers.sorted().first { reasons.append("the same phone number (…\(number.suffix(4)))") }
        let mailboxes = values(other, [.email], mailbox).intersection(values(contact, [.email], mailbox))
        if let address = mailboxes.sorted().first { reasons.append("email addresses of one mailbox (\(address))") }
        let numbersOnFile = values(other, [.customerNumber], alphanumeric).intersection(values(contact, [.customerNumber], alphanumeric))
        if let number = numbersOnFile.sorted().first { reasons.append("the same customer number (\(number))") }
        // A name is a reason only beside one of the above, or within one account.
        if let a = other.name.map(nameKey), let b = contact.name.map(nameKey), !a.isEmpty, a == b {
            if !reasons.isEmpty || (other.accountID != nil && other.accountID == contact.accountID) {
                reasons.append(other.accountID != nil && other.accountID == contact.accountID ? "the same name in the same account" : "the same name")
            }
        }
        return reasons
    }

    /// A number's last nine digits: the national number however it was written (with or
    /// without a country code, as a phone or a WhatsApp number).
    static func nationalDigits(_ value: String) -> String { String(value.filter(\.isNumber).suffix(9)) }

    /// An address's mailbox: lower case, without a `+tag`, and without dots in the local part
    /// of the providers that ignore them.
    static func mailbox(_ value: String) -> String {
        let lower = value.lowercased()
        guard let at = lower.lastIndex(of: "@") else { return lower }
        var local = String(lower[..<at])
        let domain = String(lower[lower.index(after: at)...])
        if let plus = local.firstIndex(of: "+") { local = String(local[..<plus]) }
        if ["gmail.com", "googlemail.com"].contains(domain) { local = local.replacingOccurrences(of: ".", with: "") }
        return local + "@" + (domain == "googlemail.com" ? "gmail.com" : domain)
    }

    static func alphanumeric(_ value: String) -> String { String(value.uppercased().filter { $0.isLetter || $0.isNumber }) }

    /// A name compared without case, diacritics or extra spaces ("Żaneta  Wójcik" = "zaneta wojcik").
    static func nameKey(_ name: String) -> String {
        name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "ł", with: "l").replacingOccurrences(of: "Ł", with: "l")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
