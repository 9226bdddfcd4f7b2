import Foundation
import Hummingbird
import TouchpointApplication
import TouchpointCore

/// The knowledge base in the console: every article of the brand, searched as staff see it;
/// writing and editing in Markdown with a preview; versions with what changed and restore;
/// what readers said; and what authors should write next.
extension Console {
    struct KnowledgeListView {
        var chrome: Chrome
        var query: String
        var articles: [ArticleRow]
        var empty: Bool
        var canWrite: Bool
        var unanswered: [MissRow]
        var notHelpful: [ArticleRow]
        var neverOpened: [ArticleRow]
    }

    struct ArticleRow {
        var href: String
        var title: String
        var language: String
        var status: String
        var visibility: String
        var category: String
        var version: Int
        var helpful: Int
        var notHelpful: Int
        var views: Int
        var updated: TimeText
    }

    struct MissRow {
        var query: String
        var searches: Int
        var newHref: String
    }

    struct ArticleEditView {
        var chrome: Chrome
        var notice: String?
        var error: String?
        var isNew: Bool
        var action: String
        var id: String?
        var version: Int
        var title: String
        var summary: String
        var body: String
        var category: String
        var tags: String
        var translationOf: String?
        var previewHTML: String?
        var languages: [Option]
        var statuses: [Option]
        var visibilities: [Option]
        var models: [CheckBox]
        var canWrite: Bool
        var versions: [VersionRow]
        var diff: DiffView?
        var translations: [ArticleRow]
        var translateHref: String?
        var customerHref: String?
    }

    struct CheckBox {
        var value: String
        var label: String
        var checked: Bool
    }

    struct VersionRow {
        var version: Int
        var note: String
        var author: String
        var saved: TimeText
        var helpful: Int
        var notHelpful: Int
        var diffHref: String?
        var current: Bool
    }

    struct DiffView {
        var from: Int
        var to: Int
        var fields: [String]
        var lines: [DiffLine]
        var canRestore: Bool
    }

    struct DiffLine {
        var change: String
        var sign: String
        var text: String
    }

    func addKnowledgeRoutes(to group: RouterGroup<TouchpointContext>) {
        group.get("kb") { request, context in try await knowledgeList(request, context) }
        group.get("kb/new") { request, context in try await newArticle(request, context) }
        group.post("kb") { request, context in try await saveArticle(request, context, id: nil) }
        group.get("kb/{id}") { request, context in try await articlePage(request, context) }
        group.post("kb/{id}") { request, context in try await saveArticle(request, context, id: try context.parameters.id()) }
        group.post("kb/{id}/restore") { _, context in
            let session = try context.signedIn()
            guard session.principal.may(.writeArticles) else { throw Problem(.forbidden, "your role may not write help articles") }
            let id = try context.parameters.id()
            guard let version = context.form?["version"].flatMap({ Int($0) }) else { throw Problem(.badRequest, "say which version to restore") }
            let article = try await app.knowledge.restore(id, version: version, brand: session.user.brandID, author: session.user.id)
            return Pages.redirect("/console/kb/\(id.text)?done=restored&v=\(article.version)")
        }
    }

    func knowledgeList(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        let text = (query["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let reader = try await staffReader(brand, context.language)
        let row = { self.row($0, reader) }
        let articles: [Article]
        if text.isEmpty {
            articles = try await app.knowledge.articles(brand: brand, filter: ArticleFilter(reader: .staff), limit: 200, cursor: nil).items
        } else {
            articles = try await app.knowledge.search(String(text.prefix(500)), brand: brand, filter: ArticleFilter(reader: .staff), limit: 50).hits
                .map(\.article)
        }
        let canWrite = session.principal.may(.writeArticles)
        let analytics =
            canWrite
            ? try await app.knowledge.analytics(brand: brand, limit: 10) : KnowledgeAnalytics(notHelpful: [], unanswered: [], neverOpened: [])
        return pages.render(
            "kb",
            KnowledgeListView(
                chrome: Chrome(title: context.language.say("Help articles", "Artykuły pomocy"), session: session), query: text, articles: articles.map(row), empty: articles.isEmpty,
                canWrite: canWrite,
                unanswered: analytics.unanswered.map {
                    MissRow(query: $0.query, searches: $0.searches, newHref: "/console/kb/new?title=\(HTMLForm.encode($0.query))")
                },
                notHelpful: analytics.notHelpful.map(row), neverOpened: analytics.neverOpened.map(row)))
    }

    func row(_ article: Article, _ reader: ReaderTime) -> ArticleRow {
        let content = article.content
        return ArticleRow(
            href: "/console/kb/\(article.id.text)", title: content.title, language: content.language.label, status: content.status.label(reader.language),
            visibility: content.visibility.label(reader.language), category: content.category, version: article.version, helpful: article.helpful,
            notHelpful: article.notHelpful, views: article.views, updated: TimeText(article.updatedAt, reader))
    }

    /// A blank article; from a reply (`from=` an interaction), its text; from an
    /// unanswered search (`title=`), that title; as a translation (`translationOf=`), the
    /// original's topic and tags in the other language.
    func newArticle(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.writeArticles) else { throw Problem(.forbidden, "your role may not write help articles") }
        let brand = session.user.brandID
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        let brandInfo = try await app.staff.brand(brand)
        var draft = ArticleDraft(title: query["title"] ?? "", body: "", language: brandInfo.language)
        var original: Article?
        if let from = query["from"].flatMap(UUID.init(text:)) {
            let reply = try await app.lookups.interaction(from, brand: brand)
            draft.body = reply.text
            if let caseID = reply.caseID { draft.title = try await app.cases.case(caseID, brand: brand).subject }
        }
        if let id = query["translationOf"].flatMap(UUID.init(text:)), let found = try await app.knowledge.article(id, brand: brand, reader: .staff) {
            original = found
            draft.language = found.content.language == .pl ? .en : .pl
            draft.category = found.content.category
            draft.tags = found.content.tags
            draft.visibility = found.content.visibility
            draft.models = found.content.models
        }
        return pages.render("kb-article", editView(session, context.language, draft: draft, article: nil, translationOf: original?.id))
    }

    func articlePage(_ request: Request, _ context: TouchpointContext) async throws -> Response {
        let session = try context.signedIn()
        let brand = session.user.brandID
        guard let article = try await app.knowledge.article(try context.parameters.id(), brand: brand, reader: .staff) else {
            throw Problem(.notFound, "There is no such article.")
        }
        let query = HTMLForm(urlEncoded: request.uri.query ?? "")
        var view = editView(session, context.language, draft: article.content, article: article, translationOf: article.translationOf)
        view.notice = query["done"].map { $0 == "restored" ? context.language.say("Restored as a new version.", "Przywrócono jako nową wersję.")
            : context.language.say("Saved.", "Zapisano.") }
        view.previewHTML = article.html
        let versions = try await app.knowledge.versions(article.id, brand: brand)
        let reader = try await staffReader(brand, context.language)
        let names = Dictionary(try await app.lookups.staffUsers(brand: brand).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        view.versions = versions.map { version in
            VersionRow(
                version: version.version, note: version.note, author: version.authorID.flatMap { names[$0] } ?? context.language.say("import", "import"),
                saved: TimeText(version.savedAt, reader),
                helpful: version.helpful, notHelpful: version.notHelpful,
                diffHref: version.version > 1 ? "/console/kb/\(article.id.text)?diff=\(version.version)#changes" : nil,
                current: version.version == article.version)
        }
        if let to = query["diff"].flatMap({ Int($0) }), to > 1, to <= article.version {
            let diff = try await app.knowledge.diff(article.id, from: to - 1, to: to, brand: brand)
            view.diff = DiffView(
                from: to - 1, to: to, fields: diff.fields.keys.sorted().map { "\($0): “\(diff.fields[$0]!.from)” → “\(diff.fields[$0]!.to)”" },
                lines: diff.lines.map {
                    DiffLine(change: $0.change.rawValue, sign: $0.change == .added ? "+" : $0.change == .removed ? "−" : " ", text: $0.text)
                },
                canRestore: view.canWrite && to - 1 != article.version)
        }
        let translations = try await app.knowledge.translations(of: article, reader: .staff)
        view.translations = translations.map { row($0, reader) }
        if !Language.allCases.allSatisfy({ language in
            language == article.content.language || translations.contains { $0.content.language == language }
        }) {
            view.translateHref = "/console/kb/new?translationOf=\(article.translationGroup.text)"
        }
        let brandInfo = try await app.staff.brand(brand)
        if article.content.status == .published, article.content.visibility != .internal {
            view.customerHref = "/portal/\(brandInfo.slug)/help/\(article.id.text)"
        }
        return pages.render("kb-article", view)
    }

    func editView(_ session: StaffSession, _ say: Language, draft: ArticleDraft, article: Article?, translationOf: UUID?) -> ArticleEditView {
        ArticleEditView(
            chrome: Chrome(title: article == nil ? say.say("New help article", "Nowy artykuł pomocy") : draft.title, session: session), notice: nil, error: nil,
            isNew: article == nil, action: article.map { "/console/kb/\($0.id.text)" } ?? "/console/kb", id: article?.id.text,
            version: article?.version ?? 0,
            title: draft.title, summary: draft.summary, body: draft.body, category: draft.category, tags: draft.tags.joined(separator: ", "),
            translationOf: translationOf?.text, previewHTML: nil,
            languages: Language.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == draft.language) },
            statuses: ArticleStatus.allCases.map { Option(value: $0.rawValue, label: $0.label(say), selected: $0 == draft.status) },
            visibilities: ArticleVisibility.allCases.map { Option(value: $0.rawValue, label: $0.label(say), selected: $0 == draft.visibility) },
            models: ServiceModel.allCases.map { CheckBox(value: $0.rawValue, label: $0.words, checked: draft.models.contains($0)) },
            canWrite: session.principal.may(.writeArticles), versions: [], diff: nil, translations: [], translateHref: nil, customerHref: nil)
    }

    /// Creates (no id) or saves a new version of an article; `delete` deletes it. A refused
    /// field shows the form again with what was typed and why.
    func saveArticle(_ request: Request, _ context: TouchpointContext, id: UUID?) async throws -> Response {
        let session = try context.signedIn()
        guard session.principal.may(.writeArticles) else { throw Problem(.forbidden, "your role may not write help articles") }
        let brand = session.user.brandID
        let form = context.form ?? HTMLForm(urlEncoded: "")
        if let id, form["delete"] == "1" {
            try await app.knowledge.delete(id, brand: brand, actor: .staff(session.user.id))
            return Pages.redirect("/console/kb")
        }
        let draft = ArticleDraft(
            title: form["title"] ?? "", summary: form["summary"] ?? "", body: form["body"] ?? "",
            language: form["language"].flatMap(Language.init(rawValue:)) ?? .en,
            status: form["status"].flatMap(ArticleStatus.init(rawValue:)) ?? .draft,
            visibility: form["visibility"].flatMap(ArticleVisibility.init(rawValue:)) ?? .public,
            models: form.all("models").compactMap(ServiceModel.init(rawValue:)), category: form["category"] ?? "",
            tags: (form["tags"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        do {
            let article: Article
            if let id {
                article = try await app.knowledge.update(
                    id, with: draft, baseVersion: form["baseVersion"].flatMap { Int($0) }, brand: brand, author: session.user.id)
            } else {
                article = try await app.knowledge.create(
                    draft, translationOf: form["translationOf"].flatMap(UUID.init(text:)), brand: brand, author: session.user.id)
            }
            return Pages.redirect("/console/kb/\(article.id.text)?done=saved")
        } catch let error as ValidationError {
            var view = editView(session, context.language, draft: draft, article: nil, translationOf: form["translationOf"].flatMap(UUID.init(text:)))
            if let id {
                view.isNew = false
                view.action = "/console/kb/\(id.text)"
                view.id = id.text
                view.version = form["baseVersion"].flatMap { Int($0) } ?? 0
            }
            view.error = "\(Self.fieldName(error.field, context.language)): \(RefusalWords.say(error.reason, context.language))."
            return pages.render("kb-article", view, status: .unprocessableContent)
        }
    }

    static func fieldName(_ field: String, _ say: Language) -> String {
        let names: [String: (en: String, pl: String)] = [
            "title": ("Title", "Tytuł"), "body": ("Text", "Tekst"), "summary": ("Summary", "Streszczenie"), "category": ("Topic", "Temat"),
            "models": ("Service models", "Modele obsługi"),
        ]
        return names[field].map { say.say($0.en, $0.pl) } ?? field.capitalized
    }
}

extension Language {
    /// The language's name as staff read it.
    var label: String { self == .pl ? "Polski" : "English" }
}

extension ArticleStatus {
    func label(_ say: Language) -> String {
        switch self {
        case .draft: say.say("Draft", "Szkic")
        case .published: say.say("Published", "Opublikowany")
        case .archived: say.say("Archived", "Zarchiwizowany")
        }
    }
}

extension ArticleVisibility {
    func label(_ say: Language) -> String {
        switch self {
        case .public: say.say("Everyone", "Wszyscy")
        case .customers: say.say("Signed-in customers", "Zalogowani klienci")
        case .models: say.say("Customers on chosen service models", "Klienci wybranych modeli obsługi")
        case .internal: say.say("Staff only", "Tylko pracownicy")
        }
    }
}
