import Foundation
import TouchpointCore

/// An article kept as a Markdown file with a header of `name: value` lines between two
/// `---` lines (`key`, `language`, `title`, `summary`, `category`, `tags`, `visibility`,
/// `models`, `status`). Files that share a key are translations of one article; the English
/// one is the original. The demo's articles are such files, and authors can keep theirs so.
public struct ArticleFile: Sendable, Equatable {
    public var key: String
    public var draft: ArticleDraft

    /// Reads one file; `name` is used in errors.
    public static func parse(_ text: String, name: String) throws(ValidationError) -> ArticleFile {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else {
            throw ValidationError(field: name, reason: "must start with a header between two '---' lines")
        }
        var header: [String: String] = [:]
        for line in lines[1..<end] where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw ValidationError(field: name, reason: "header line '\(line)' has no ':'") }
            header[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        func required(_ field: String) throws(ValidationError) -> String {
            guard let value = header[field], !value.isEmpty else { throw ValidationError(field: "\(name): \(field)", reason: "is required") }
            return value
        }
        func list(_ field: String) -> [String] {
            (header[field] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func wire<E: WireEnum>(_ field: String, default value: E) throws(ValidationError) -> E {
            guard let raw = header[field] else { return value }
            guard let parsed = E(rawValue: raw) else {
                throw ValidationError(field: "\(name): \(field)", reason: "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return parsed
        }
        var models: [ServiceModel] = []
        for raw in list("models") {
            guard let model = ServiceModel(rawValue: raw) else {
                throw ValidationError(field: "\(name): models", reason: "'\(raw)' is not a service model")
            }
            models.append(model)
        }
        let body = lines[(end + 1)...].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let draft = ArticleDraft(
            title: try required("title"), summary: header["summary"] ?? "", body: body,
            language: try wire("language", default: Language.en), status: try wire("status", default: ArticleStatus.published),
            visibility: try wire("visibility", default: ArticleVisibility.public), models: models,
            category: header["category"] ?? "", tags: list("tags"))
        let key = try required("key")
        do {
            return ArticleFile(key: key, draft: try draft.validated())
        } catch {
            throw error.nested(under: name)
        }
    }

    /// Every `.md` file of a folder, in name order.
    public static func load(folder: URL) throws -> [ArticleFile] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }.sorted()
        return try names.map { name in
            try parse(String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8), name: name)
        }
    }
}

extension KnowledgeBase {
    /// Writes a set of article files: for each key the English file (or the first) becomes
    /// the original, the others its translations. Returns the new articles by key and language.
    @discardableResult
    public func importFiles(_ files: [ArticleFile], brand: BrandID, author: UserID?) async throws -> [String: [Language: Article]] {
        var written: [String: [Language: Article]] = [:]
        let groups = Dictionary(grouping: files, by: \.key)
        for key in groups.keys.sorted() {
            let group = groups[key]!.sorted {
                ($0.draft.language == .en ? 0 : 1, $0.draft.language.rawValue) < ($1.draft.language == .en ? 0 : 1, $1.draft.language.rawValue)
            }
            var original: Article?
            for file in group {
                let article = try await create(file.draft, translationOf: original?.id, brand: brand, author: author)
                original = original ?? article
                written[key, default: [:]][file.draft.language] = article
            }
        }
        return written
    }
}
