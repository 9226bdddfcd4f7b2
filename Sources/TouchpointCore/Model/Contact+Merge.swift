/// Why two contacts cannot be merged (or a merge cannot be undone).
public enum ContactMergeError: Error, Equatable, Sendable {
    case sameContact
    case alreadyMerged(ContactID)
    case differentBrands
    case notMerged
}

/// Merging two records of the same person: the `duplicate` points at the `survivor`, whose
/// timeline then shows both histories; nothing is moved, so an admin can undo it exactly.
public enum ContactMerge {
    /// Checks that `duplicate` may be merged into `survivor`.
    public static func check(survivor: Contact, duplicate: Contact) throws(ContactMergeError) {
        if survivor.id == duplicate.id { throw .sameContact }
        if survivor.brandID != duplicate.brandID { throw .differentBrands }
        if let target = survivor.mergedInto { throw .alreadyMerged(target) }
        if let target = duplicate.mergedInto { throw .alreadyMerged(target) }
    }

    /// The contact a chain of merges ends at, given a lookup of each contact's `mergedInto`.
    /// Stops on a cycle (which merges never create) rather than looping.
    public static func survivor(of start: ContactID, mergedInto: (ContactID) -> ContactID?) -> ContactID {
        var current = start
        var seen: Set<ContactID> = [start]
        while let next = mergedInto(current), seen.insert(next).inserted {
            current = next
        }
        return current
    }
}
