import Testing

@testable import Archiving

@Suite("WARC record format")
struct WARCFormatTests {
    @Test("SHA-1 digests are written as sha1: and base32, as WARC readers expect")
    func digestLabels() {
        #expect(SHA1Digest.warcLabel(of: []) == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ")
        #expect(SHA1Digest.warcLabel(of: Array("abc".utf8)) == "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5")
        #expect(Base32.encode(Array("f".utf8)) == "MY======")
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI======")
    }

    @Test(
        "SURT keys as pywb writes them",
        arguments: [
            ("http://www.Example.com:8080/A?b=1", "com,example:8080)/a?b=1"),
            ("https://example.com", "com,example)/"),
            ("http://user:secret@sub.example.org:80/x#frag", "org,example,sub)/x"),
            ("http://127.0.0.1:8080/?q", "1,0,0,127:8080)/?q")
        ])
    func surt(url: String, key: String) {
        #expect(CDXJLine.surt(url) == key)
    }

    @Test("A decoded body's head names its original codings X-Archive-Orig- and gets its stored length")
    func normalizedHead() {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let normalized = String(decoding: HTTPMessageHead.normalizedResponseHead(head, bodyLength: 42), as: UTF8.self)
        #expect(
            normalized == "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Archive-Orig-Content-Encoding: gzip\r\n"
                + "X-Archive-Orig-Transfer-Encoding: chunked\r\nContent-Length: 42\r\n\r\n")
        let plain = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n".utf8)
        #expect(HTTPMessageHead.normalizedResponseHead(plain, bodyLength: 3) == plain)
        #expect(HTTPMessageHead.status(of: plain) == "404")
        #expect(HTTPMessageHead.mediaType(of: head) == "text/html")
    }

    @Test("Numbered file names keep the extension")
    func fileNames() {
        #expect(WARCSettings(path: "/tmp/crawl.warc.gz").fileName(index: 0) == "/tmp/crawl-00000.warc.gz")
        #expect(WARCSettings(path: "crawl.warc").fileName(index: 12) == "crawl-00012.warc")
        #expect(WARCSettings(path: "crawl").fileName(index: 1) == "crawl-00001.warc")
        #expect(WARCSettings(path: "crawl.warc.gz").isCompressed)
    }

    @Test("Credentials are not archived")
    func userinfo() {
        #expect(WARCArchive.withoutUserinfo("http://user:secret@host:8080/a@b") == "http://host:8080/a@b")
        #expect(WARCArchive.withoutUserinfo("http://host/x") == "http://host/x")
    }
}
