import Crawling
import Testing

@Suite("Which bodies are parsed as HTML")
struct HTMLSnifferTests {
    @Test(
        "Sniffing rules",
        arguments: [
            ("<!DOCTYPE html><html>", true), ("  \n<html lang=en>", true), ("\u{FEFF}<!-- c --><p>", true),
            ("%PDF-1.7", false), ("{\"json\": true}", false), ("plain text", false), ("", false)
        ])
    func sniffRules(prefix: String, isHTML: Bool) {
        #expect(HTMLSniffer.sniff(Array(prefix.utf8)) == isHTML)
        #expect(HTMLSniffer.verdict(contentType: "text/html; charset=utf-8") == .html)
        #expect(HTMLSniffer.verdict(contentType: "application/pdf") == .notHTML)
        #expect(HTMLSniffer.verdict(contentType: nil) == .needsSniffing)
    }
}
