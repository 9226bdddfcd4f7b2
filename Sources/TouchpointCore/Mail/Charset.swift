import Foundation

/// Text in a declared charset, decoded without ever failing: mail often lies about its
/// charset, so a declared one that does not fit the bytes falls back to UTF-8 and then to
/// Windows-1252 (which maps every byte).
public enum Charset {
    /// Decodes `bytes` declared as `name` (an IANA charset name, any case).
    public static func decode(_ bytes: some Collection<UInt8>, declared name: String?) -> String {
        var data = Data(bytes)
        if data.isEmpty { return "" }
        var declared = name.flatMap(encoding(named:))
        if declared == .japaneseEUC || declared == .iso2022JP {
            data = Data(declared == .japaneseEUC ? JapaneseCharsets.fromEUCJP(Array(bytes)) : JapaneseCharsets.fromISO2022JP(Array(bytes)))
            declared = .shiftJIS
        }
        if let encoding = declared, let text = String(data: data, encoding: encoding) { return text }
        if let text = String(data: data, encoding: .utf8) { return text }
        return String(data: data, encoding: .windowsCP1252) ?? String(decoding: data, as: UTF8.self)
    }

    /// Whether `name` is a charset this decoder knows.
    public static func isKnown(_ name: String) -> Bool { encoding(named: name) != nil }

    /// Foundation's encoding for an IANA name. Beyond its own cases, CoreFoundation's
    /// encodings are reached by their numbers (the high bit marks a CF encoding).
    static func encoding(named raw: String) -> String.Encoding? {
        let name = raw.trimmedSpaces.lowercased()
            .replacingOccurrences(of: "_", with: "-")
        if let known = listed(name) { return known }
        // "iso8859-2", "latin-2", "cp-1250" and other near misses, looked up once in their
        // usual spelling (a spelling that is still unknown, "windows215-0", is unknown).
        let compact = name.replacingOccurrences(of: "-", with: "")
        if compact.hasPrefix("iso8859"), let number = Int(compact.dropFirst(7)) { return listed("iso-8859-\(number)") }
        if compact.hasPrefix("windows"), let number = Int(compact.dropFirst(7)) { return listed("windows-\(number)") }
        if compact.hasPrefix("cp"), let number = Int(compact.dropFirst(2)) { return listed("windows-\(number)") }
        return nil
    }

    private static func listed(_ name: String) -> String.Encoding? {
        if let known = standard[name] { return known }
        return coreFoundation[name].map { String.Encoding(rawValue: 0x8000_0000 | $0) }
    }

    private static let standard: [String: String.Encoding] = [
        "utf-8": .utf8, "utf8": .utf8, "us-ascii": .ascii, "ascii": .ascii, "ansi-x3.4-1968": .ascii,
        "iso-8859-1": .isoLatin1, "latin1": .isoLatin1, "l1": .isoLatin1,
        "iso-8859-2": .isoLatin2, "latin2": .isoLatin2,
        "windows-1250": .windowsCP1250, "windows-1251": .windowsCP1251, "windows-1252": .windowsCP1252,
        "windows-1253": .windowsCP1253, "windows-1254": .windowsCP1254,
        "utf-16": .utf16, "utf-16be": .utf16BigEndian, "utf-16le": .utf16LittleEndian,
        "shift-jis": .shiftJIS, "sjis": .shiftJIS, "x-sjis": .shiftJIS, "iso-2022-jp": .iso2022JP, "euc-jp": .japaneseEUC,
        "x-euc-jp": .japaneseEUC, "eucjp": .japaneseEUC, "ujis": .japaneseEUC, "csiso2022jp": .iso2022JP,
    ]

    /// CoreFoundation encoding numbers (CFStringEncodingExt.h).
    private static let coreFoundation: [String: UInt] = [
        "iso-8859-3": 0x0203, "iso-8859-4": 0x0204, "iso-8859-5": 0x0205, "iso-8859-6": 0x0206, "iso-8859-7": 0x0207,
        "iso-8859-8": 0x0208, "iso-8859-9": 0x0209, "iso-8859-10": 0x020A, "iso-8859-11": 0x020B, "iso-8859-13": 0x020D,
        "iso-8859-14": 0x020E, "iso-8859-15": 0x020F, "latin9": 0x020F, "iso-8859-16": 0x0210,
        "windows-1255": 0x0505, "windows-1256": 0x0506, "windows-1257": 0x0507, "windows-1258": 0x0508,
        "koi8-r": 0x0A02, "koi8-u": 0x0A08, "big5": 0x0A03, "big5-hkscs": 0x0A06,
        "euc-kr": 0x0940, "ks-c-5601-1987": 0x0940, "gb2312": 0x0930, "euc-cn": 0x0930, "gbk": 0x0631, "gb18030": 0x0632,
        // Names Python's email package and Windows mailers write into real mail.
        "eucgb2312-cn": 0x0930, "big5-tw": 0x0A03, "cp936": 0x0631, "ms936": 0x0631, "cp949": 0x0940, "ks-c-5601": 0x0940,
        "cp950": 0x0A03, "x-gbk": 0x0631,
    ]
}
