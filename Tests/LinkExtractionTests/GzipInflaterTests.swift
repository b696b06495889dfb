import Testing
import TestServer
@testable import LinkExtraction

/// `GzipInflater`: its `z_stream` is allocated once and stays put across calls.
@Suite("Gzip inflater")
struct GzipInflaterTests {
    @Test("The z_stream keeps one address across calls, and a stream fed a byte at a time decodes in full")
    func stableStream() {
        let text = Array(String(repeating: "<url><loc>http://127.0.0.1/page</loc></url>\n", count: 400).utf8)
        let input = StreamingCompressor.compressAll(text, as: .gzip)
        let inflater = GzipInflater()
        let address = inflater.streamAddress
        var decoded: [UInt8] = []
        var outcome = GzipInflater.Outcome.needsInput
        for index in input.indices {
            outcome = [input[index]].withUnsafeBytes { byte in
                inflater.inflate(byte, isFinal: false) { piece in
                    decoded.append(contentsOf: piece)
                    return true
                }
            }
            #expect(inflater.streamAddress == address)
            if outcome != .needsInput { break }
        }
        #expect(outcome == .finished)
        #expect(decoded == text)
    }

    @Test("Many inflaters made and dropped (each z_stream freed once; a sanitizer build would catch a double free)")
    func manyInflaters() {
        let member = StreamingCompressor.compressAll(Array("<urlset/>".utf8), as: .gzip)
        for _ in 0..<200 {
            let inflater = GzipInflater()
            let outcome = member.withUnsafeBytes { inflater.inflate($0, isFinal: true) { _ in true } }
            #expect(outcome == .finished)
        }
    }
}
