import Testing
@testable import TouchpointCore

@Suite("Customer HTML is sanitized with an allowlist")
struct HTMLSanitizerTests {
    @Test(arguments: [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "<div onclick=\"alert(1)\" style=\"background:url(javascript:alert(1))\">x</div>",
        "<<script>script>alert(1)<</script>/script>",
        "<STYLE>body{}</STYLE><p>ok</p>",
        "<p title=\"a\" onmouseover=alert(1)>x</p>",
        "<object data=x></object><embed src=x>",
        "<!--<script>alert(1)</script>-->",
    ])
    func hostileMarkupCannotRunScript(input: String) {
        let output = HTMLSanitizer.sanitize(input).lowercased()
        #expect(!output.contains("<script"))
        #expect(!output.contains("javascript:"))
        #expect(!output.contains("onerror"))
        #expect(!output.contains("onclick"))
        #expect(!output.contains("onmouseover"))
        #expect(!output.contains("<iframe"))
        #expect(!output.contains("<svg"))
        #expect(!output.contains("<img"))
        #expect(!output.contains("style="))
        #expect(!output.contains("<object") && !output.contains("<embed"))
    }

    @Test func formattingAndSafeLinksSurvive() {
        let input = "<p>Hello <b>Jan</b>, see <a href=\"https://acme.example/faq?a=1&b=2\" target=_blank>the FAQ</a>.<br>Thanks</p>"
        #expect(HTMLSanitizer.sanitize(input)
            == "<p>Hello <b>Jan</b>, see <a href=\"https://acme.example/faq?a=1&amp;b=2\" rel=\"noopener noreferrer nofollow\">the FAQ</a>.<br>Thanks</p>")
    }

    @Test func unclosedTagsAreClosedAndStrayEndTagsDropped() {
        #expect(HTMLSanitizer.sanitize("<div><b>bold") == "<div><b>bold</b></div>")
        #expect(HTMLSanitizer.sanitize("text</div></p>") == "text")
        #expect(HTMLSanitizer.sanitize("<ul><li>a<li>b</ul>") == "<ul><li>a<li>b</li></li></ul>")
    }

    @Test func textIsEscapedButEntitiesKept() {
        #expect(HTMLSanitizer.sanitize("1 < 2 & 3 > 2 &amp; \"q\"") == "1 &lt; 2 &amp; 3 &gt; 2 &amp; &quot;q&quot;")
    }
}
