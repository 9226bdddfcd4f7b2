import Foundation
import Hummingbird
import Mustache
import TouchpointCore

/// The console's Mustache templates and static files, read from the bundle once at start.
/// `{{value}}` escapes HTML; the templates never use the unescaped forms for data.
struct Pages: Sendable {
    /// The language the console's middleware chose for the request being answered: every
    /// page it renders speaks it without each handler passing it on.
    @TaskLocal static var speaking: Language?

    let library: MustacheLibrary
    let assets: [String: (type: String, body: ByteBuffer)]

    init() {
        var library = MustacheLibrary()
        var assets: [String: (String, ByteBuffer)] = [:]
        let root = Bundle.module.resourceURL?.appendingPathComponent("console")
        let files = root.flatMap { FileManager.default.enumerator(at: $0, includingPropertiesForKeys: nil)?.allObjects as? [URL] } ?? []
        for file in files {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            let name = file.lastPathComponent
            switch file.pathExtension {
            case "mustache":
                // A template that does not parse is a bug caught by every console test.
                do { try library.register(text, named: String(name.dropLast(".mustache".count))) } catch {
                    fatalError("console template \(name): \(error)")
                }
            case "css": assets[name] = ("text/css; charset=utf-8", ByteBuffer(string: text))
            case "js": assets[name] = ("text/javascript; charset=utf-8", ByteBuffer(string: text))
            default: continue
            }
        }
        self.library = library
        self.assets = assets
    }

    /// Renders a page; pages are private to the signed-in user, so never cached. Templates
    /// write their words in both languages, `{{#t}}Inbox|Skrzynka{{/t}}`, and read the
    /// page's language as `{{speaking}}` and the switch to the other one as `{{switchTo}}`
    /// (offered only on pages rendered in a language the reader chose: `in`, else the one
    /// the console's middleware chose for the request; others are English).
    func render(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok, in chosen: Language? = nil) -> Response {
        let language = chosen ?? Self.speaking
        var root = Self.box(view)
        // A view with its own `t` (the kiosk's words) keeps it.
        if var fields = root as? [String: Any], fields["t"] == nil {
            fields["t"] = Bilingual.lambda(language ?? .en)
            fields["speaking"] = (language ?? .en).rawValue
            if let language { fields["switchTo"] = LanguageSwitch(language == .pl ? .en : .pl) }
            root = fields
        }
        let html = library.render(root, withTemplate: template) ?? "template \(template) is missing"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func asset(_ name: String) -> Response {
        guard let asset = assets[name] else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [.contentType: asset.type, .cacheControl: "public, max-age=300"], body: .init(byteBuffer: asset.body))
    }

    /// The view as dictionaries, reflected once. Mustache would otherwise reflect an object
    /// on every name it looks up, and walk up to the page's root for every absent optional;
    /// boxed, a name is a dictionary lookup and an absent value stops the search as null.
    static func box(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .class:
            guard !mirror.children.isEmpty else { return value }
            var fields: [String: Any] = [:]
            for child in mirror.children {
                if let label = child.label { fields[label] = box(child.value) }
            }
            return fields
        case .optional:
            return mirror.children.first.map { box($0.value) } ?? Absent()
        case .collection:
            return mirror.children.map { box($0.value) }
        default:
            return value
        }
    }

    /// An optional without a value: renders as nothing, and is false in sections.
    struct Absent: MustacheCustomRenderable {
        var renderText: String { "" }
        var isNull: Bool { true }
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
