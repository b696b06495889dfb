import AsyncURLSupport
import Testing

/// The text filters every output line goes through: printable ASCII takes a
/// fast path (no copy, no scalar walk); anything else is filtered in full.
@Suite("Output text filters")
struct OutputTextTests {
    @Test("Printable ASCII is kept as it is; C0, DEL, C1 and bidi controls are removed, a tab becomes a space")
    func controlCharacters() {
        #expect("http://127.0.0.1:8080/a?b=c#d".removingControlCharacters() == "http://127.0.0.1:8080/a?b=c#d")
        #expect("text/html; charset=utf-8".removingControlCharacters() == "text/html; charset=utf-8")
        #expect("a\u{1B}[31mb\u{7F}c\u{85}d\u{9B}e".removingControlCharacters() == "a[31mbcde")
        #expect("left\u{202E}right\u{2066}x".removingControlCharacters() == "leftrightx")
        #expect("tab\there\nline".removingControlCharacters() == "tab hereline")
        #expect("tab\there\nline".removingControlCharacters(keepingLineFeeds: true) == "tab here\nline")
        #expect("é 漢字 ok".removingControlCharacters() == "é 漢字 ok")
        let text = "xx\u{1B}yy plain"
        #expect(text[text.index(text.startIndex, offsetBy: 2)...].removingControlCharacters() == "yy plain")
        #expect(text[text.index(text.startIndex, offsetBy: 5)...].removingControlCharacters() == " plain")
    }

    @Test("Text without an @ is kept as it is; the userinfo of every URL with one is removed, in a String or a Substring")
    func credentials() {
        #expect("http://127.0.0.1/a?b=c".removingURLCredentials() == "http://127.0.0.1/a?b=c")
        #expect("http://user:secret@127.0.0.1/a".removingURLCredentials() == "http://127.0.0.1/a")
        #expect(
            "see http://u:p@127.0.0.1/ and https://x@127.0.0.2:8443/y".removingURLCredentials()
                == "see http://127.0.0.1/ and https://127.0.0.2:8443/y")
        #expect("mail me at someone@example.org".removingURLCredentials() == "mail me at someone@example.org")
        let line = "url=http://user:secret@127.0.0.1/ end"
        #expect(line[line.index(line.startIndex, offsetBy: 4)...].removingURLCredentials() == "http://127.0.0.1/ end")
    }
}
