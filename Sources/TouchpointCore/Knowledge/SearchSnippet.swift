/// The part of an article that shows why it matched: the window of words holding most of
/// the searched terms, HTML-escaped, with the matching words in `<mark>`.
public enum SearchSnippet {
    /// `text` cut to the best window of `maxWords` words, with "…" where it was cut.
    public static func snippet(_ text: String, matching stems: Set<String>, language: Language, maxWords: Int = 30) -> String {
        let words = spans(text)
        guard !words.isEmpty else { return "" }
        let hits = words.map { matches($0.folded, stems: stems, language: language) }
        var best = 0, bestCount = -1, count = 0
        for index in words.indices {
            if hits[index] { count += 1 }
            if index >= maxWords, hits[index - maxWords] { count -= 1 }
            let start = max(0, index - maxWords + 1)
            if count > bestCount { bestCount = count; best = start }
        }
        // Start a little before the first hit of the window, so it reads in context.
        if let first = (best..<min(words.count, best + maxWords)).first(where: { hits[$0] }), first - best > 4 {
            best = max(0, first - 4)
        }
        let end = min(words.count, best + maxWords)
        let from = words[best].range.lowerBound, to = words[end - 1].range.upperBound
        var out = best > 0 ? "… " : ""
        out += render(text, words: words[best..<end], hits: Array(hits[best..<end]), from: from, to: to)
        if end < words.count { out += " …" }
        return out
    }

    /// The whole of `text`, escaped, with matching words marked (titles).
    public static func highlight(_ text: String, matching stems: Set<String>, language: Language) -> String {
        let words = spans(text)
        guard !words.isEmpty else { return HTMLSanitizer.escapeAttribute(text) }
        let hits = words.map { matches($0.folded, stems: stems, language: language) }
        return render(text, words: words[...], hits: hits, from: text.startIndex, to: text.endIndex)
    }

    /// Whether a folded word is one of the searched stems, or starts with a long one.
    static func matches(_ word: String, stems: Set<String>, language: Language) -> Bool {
        // A stem keeps its word's first letters (only the endings change), so a word that
        // shares no three-letter beginning with a stem is not stemmed at all: most are not.
        guard stems.contains(where: { $0.utf8.prefix(3).elementsEqual(word.utf8.prefix(min(3, $0.utf8.count))) }), !SearchAnalyzer.isStopWord(word)
        else {
            return false
        }
        let stem = SearchAnalyzer.stem(word, language: language)
        if stems.contains(stem) { return true }
        return stems.contains { $0.count >= SearchQuery.prefixLength && stem.hasPrefix($0) }
    }

    struct Span {
        var range: Range<String.Index>
        var folded: String
    }

    static func spans(_ text: String) -> [Span] {
        var spans: [Span] = []
        SearchAnalyzer.scan(text) { range, folded in spans.append(Span(range: range, folded: folded)) }
        return spans
    }

    static func render(_ text: String, words: ArraySlice<Span>, hits: [Bool], from: String.Index, to: String.Index) -> String {
        var out = ""
        var cursor = from
        for (offset, word) in words.enumerated() {
            out += HTMLSanitizer.escapeAttribute(String(text[cursor..<word.range.lowerBound]))
            let escaped = HTMLSanitizer.escapeAttribute(String(text[word.range]))
            out += hits[offset] ? "<mark>\(escaped)</mark>" : escaped
            cursor = word.range.upperBound
        }
        out += HTMLSanitizer.escapeAttribute(String(text[cursor..<to]))
        // Line breaks of the source read as spaces in one line of results.
        return out.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
