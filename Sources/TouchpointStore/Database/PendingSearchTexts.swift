import SQLKit

/// The case texts one group-commit batch adds to SQLite's full-text index, held until the
/// batch is about to commit and then written in rowid order.
///
/// FTS5 gathers a transaction's new rows in memory and writes them out as one segment, but a
/// row whose rowid is not above the one before forces what it gathered out as a segment of its
/// own first. A text's rowid lies in its case's slot (`Store.index(text:)`), so a batch with
/// replies to older cases would cut a segment per reply — and merging those segments later
/// costs more than the writes. Written sorted, a batch makes one segment, as when rowids only
/// grew. The word list for prefix search is written once per batch too.
///
/// Only the writer's task touches an instance, one command at a time.
final class PendingSearchTexts: @unchecked Sendable {
    /// The batch the running command belongs to; none outside the group-commit writer, where
    /// `Store.index(text:)` writes at once.
    @TaskLocal static var current: PendingSearchTexts?

    struct Text {
        let rowid: Int64
        let body: String
        let brand: String
        let caseID: String
    }

    private var texts: [(text: Text, command: Int)] = []
    private var terms: Set<String> = []
    /// The highest rowid held per case slot.
    private var highest: [Int64: Int64] = [:]
    private var command = 0

    /// The command that runs next, so its texts can be dropped if it is rolled back alone.
    func begin(command index: Int) { command = index }

    /// Drops what a command rolled back to its savepoint added. Its words may stay: the word
    /// list only widens prefix searches, and a word without texts matches nothing.
    func discard(command index: Int) {
        texts.removeAll { $0.command == index }
        highest = [:]
        for entry in texts { note(entry.text.rowid) }
    }

    /// The highest rowid held for the case slot that starts at `slot`.
    func last(inSlot slot: Int64) -> Int64? { highest[slot] }

    func add(_ text: Text, terms words: Set<String>) {
        texts.append((text, command))
        terms.formUnion(words)
        note(text.rowid)
    }

    /// Writes what is held, in rowid order, and forgets it.
    func flush(on db: any SQLDatabase) async throws {
        let sorted = texts.map(\.text).sorted { $0.rowid < $1.rowid }
        let words = terms
        texts = []
        terms = []
        highest = [:]
        try await Self.write(sorted, terms: words, on: db)
    }

    /// Inserts texts (in the order given) and their words, a few hundred values a statement.
    static func write(_ texts: [Text], terms: Set<String>, on db: any SQLDatabase) async throws {
        try await Store.insertRows(
            "INSERT INTO case_search (rowid, body, brand_id, case_id)", texts.map { [$0.rowid, $0.body, $0.brand, $0.caseID] },
            perStatement: 100, on: db)
        try await Store.insertRows("INSERT INTO case_terms (term)", terms.sorted().map { [$0] }, tail: " ON CONFLICT (term) DO NOTHING", on: db)
    }

    private func note(_ rowid: Int64) {
        let slot = rowid - rowid % Store.caseSearchSlots
        highest[slot] = max(highest[slot] ?? rowid, rowid)
    }
}
