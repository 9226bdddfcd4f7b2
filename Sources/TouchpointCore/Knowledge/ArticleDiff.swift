/// What changed between two versions of an article, line by line, for authors comparing
/// versions before they restore one.
public struct ArticleDiff: Sendable {
    public enum Change: String, WireEnum {
        case same, added, removed
    }

    public struct Line: Sendable, Equatable {
        public var change: Change
        public var text: String
    }

    /// Which fields other than the body changed, with their values before and after.
    public var fields: [String: (from: String, to: String)]
    public var lines: [Line]

    public init(from old: ArticleDraft, to new: ArticleDraft) {
        var fields: [String: (from: String, to: String)] = [:]
        let pairs: [(String, String, String)] = [
            ("title", old.title, new.title), ("summary", old.summary, new.summary), ("category", old.category, new.category),
            ("tags", old.tags.joined(separator: ", "), new.tags.joined(separator: ", ")), ("status", old.status.rawValue, new.status.rawValue),
            ("visibility", old.visibility.rawValue, new.visibility.rawValue), ("language", old.language.rawValue, new.language.rawValue),
            ("models", old.models.map(\.rawValue).joined(separator: ", "), new.models.map(\.rawValue).joined(separator: ", ")),
        ]
        for (name, before, after) in pairs where before != after { fields[name] = (before, after) }
        self.fields = fields
        let before = old.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let after = new.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let difference = after.difference(from: before)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // Walk both texts together: removed lines of the old text come before the lines
        // inserted in their place, unchanged lines advance both.
        var lines: [Line] = []
        var oldIndex = 0, newIndex = 0
        while oldIndex < before.count || newIndex < after.count {
            if oldIndex < before.count, removed.contains(oldIndex) {
                lines.append(Line(change: .removed, text: before[oldIndex]))
                oldIndex += 1
            } else if newIndex < after.count, inserted.contains(newIndex) {
                lines.append(Line(change: .added, text: after[newIndex]))
                newIndex += 1
            } else {
                if newIndex < after.count { lines.append(Line(change: .same, text: after[newIndex])) }
                oldIndex += 1
                newIndex += 1
            }
        }
        self.lines = lines
    }
}
