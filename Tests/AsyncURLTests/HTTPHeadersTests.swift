import AsyncURL
import Testing

@Suite("HTTPHeaders")
struct HTTPHeadersTests {
    @Test("Lookups ignore case; order and duplicates are kept")
    func lookup() {
        var headers: HTTPHeaders = ["Content-Type": "text/html", "Set-Cookie": "a=1"]
        headers.add(name: "set-cookie", value: "b=2")
        #expect(headers["content-type"] == "text/html")
        #expect(headers["CONTENT-TYPE"] == "text/html")
        #expect(headers.values(for: "Set-Cookie") == ["a=1", "b=2"])
        #expect(headers.count == 3)
        #expect(headers.contains("SET-COOKIE"))
        #expect(!headers.contains("Content-Typ"))
    }

    @Test("Setting replaces every field of the name; nil removes them")
    func replace() {
        var headers: HTTPHeaders = ["A": "1", "B": "2"]
        headers.add(name: "a", value: "3")
        headers["A"] = "4"
        #expect(headers.values(for: "a") == ["4"])
        #expect(headers.map(\.name) == ["A", "B"])
        headers["b"] = nil
        #expect(!headers.contains("B"))
        #expect(headers.count == 1)
    }

    @Test("Method tokens are upper-cased")
    func methods() {
        #expect(HTTPMethod(rawValue: "propfind").rawValue == "PROPFIND")
        #expect(HTTPMethod.get == "get")
    }
}
