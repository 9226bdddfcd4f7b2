/// What a staff member does; decides what they may do.
public enum Role: String, WireEnum {
    case agentL1, agentL2, agentL3, csm, technician, billing, manager, executive, admin

    /// The support level an agent works at; other roles have none.
    public var supportLevel: SupportLevel? {
        switch self {
        case .agentL1: .basic
        case .agentL2: .intermediate
        case .agentL3: .advanced
        default: nil
        }
    }

    /// The level at which the role takes cases from team queues: agents at their level,
    /// billing staff and technicians first-level work at their desks; CSMs, managers and
    /// executives take named or escalated work only.
    public var queueLevel: SupportLevel? {
        supportLevel ?? (self == .billing || self == .technician ? .basic : nil)
    }

    /// Everything this role may do.
    public var permissions: Set<Permission> {
        var granted: Set<Permission> = [.readCustomers, .writeContacts, .handleCases, .manageCommitments]
        switch self {
        case .agentL1, .technician, .billing:
            break
        case .agentL2, .agentL3:
            granted.formUnion([.mergeContacts, .writeArticles])
        case .csm:
            granted.formUnion([.manageAccounts, .mergeContacts, .writeArticles])
        case .manager, .executive:
            granted.formUnion([.manageAccounts, .mergeContacts, .readAudit, .manageMacros, .writeArticles, .arrangeCover])
        case .admin:
            granted = Set(Permission.allCases)
        }
        return granted
    }
}

/// A single thing a caller may be allowed to do. Checked once per request at the edge.
public enum Permission: String, WireEnum {
    /// Read accounts, contacts, cases, timelines and commitments of the brand.
    case readCustomers
    /// Create and edit contacts and their identities.
    case writeContacts
    /// Create and edit accounts, including the profile that decides the service model.
    case manageAccounts
    /// Open cases, reply, add notes, change status and assignment.
    case handleCases
    /// Record and update promises made to customers.
    case manageCommitments
    /// Merge two contacts found to be the same person.
    case mergeContacts
    /// Undo a merge (administrators only, since it splits a history again).
    case unmergeContacts
    /// Read the raw event log.
    case readAudit
    /// Write the brand's canned replies.
    case manageMacros
    /// Write, publish, restore and delete knowledge-base articles.
    case writeArticles
    /// Put someone else on call for a span (an override of a team's on-call roster).
    case arrangeCover
    /// Manage staff, teams and API tokens.
    case administer
}

/// What an API token may be used for, on top of the role's permissions.
public enum TokenScope: String, WireEnum {
    /// Only reads (GET).
    case read
    /// Reads and writes.
    case write
}

/// The authenticated caller of a request.
public struct Principal: Sendable, Equatable {
    public var userID: UserID
    public var brandID: BrandID
    public var role: Role
    public var scope: TokenScope

    public init(userID: UserID, brandID: BrandID, role: Role, scope: TokenScope) {
        self.userID = userID
        self.brandID = brandID
        self.role = role
        self.scope = scope
    }

    /// Whether the caller may do `permission`; writes also need a write-scoped token.
    public func may(_ permission: Permission) -> Bool {
        guard role.permissions.contains(permission) else { return false }
        if scope == .read { return permission == .readCustomers || permission == .readAudit }
        return true
    }
}
