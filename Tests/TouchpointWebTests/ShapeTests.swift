import Foundation
import Testing

/// The dependency rule of docs/architecture.md, checked on the sources: the edges (HTTP,
/// pages, sockets, mail servers) reach the store only through the use cases.
@Suite struct ShapeTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every Swift file under `Sources/<module>`, with its text.
    static func files(of module: String) throws -> [(path: String, text: String)] {
        let root = sources.appendingPathComponent(module)
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var found: [(String, String)] = []
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            found.append((String(url.path.dropFirst(sources.path.count + 1)), try String(contentsOf: url, encoding: .utf8)))
        }
        return found
    }

    @Test(arguments: ["TouchpointWeb", "TouchpointChannels"])
    func edgesNeverImportTheStore(module: String) throws {
        // setup
        let files = try Self.files(of: module)
        // act: any import form (plain, @testable, @_exported, `import struct …`)
        let offenders = files.filter { file in
            file.text.split(separator: "\n").contains { line in
                line.hasPrefix("import ") || line.hasPrefix("@")
                    ? line.split(separator: " ").contains { $0 == "TouchpointStore" || $0.hasPrefix("TouchpointStore.") } : false
            }
        }.map(\.path)
        // check: the walk saw the module (an empty list must not pass), and nothing imports the store
        #expect(!files.isEmpty)
        #expect(offenders == [])
    }
}
