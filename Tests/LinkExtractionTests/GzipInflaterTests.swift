import TestServer
import Testing

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
                inflater.inflate(byte, isFinal: index == input.count - 1) { piece in
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

    @Test(
        "Two gzip members decode in full wherever the boundary falls: inside a piece, at a piece's end, at a call's end",
        arguments: [1, 2, 7, 4096, 1 << 20])
    func membersAcrossBoundaries(pieceSize: Int) {
        let first = Array(String(repeating: "<url><loc>http://127.0.0.1/a</loc></url>\n", count: 300).utf8)
        let second = Array(String(repeating: "<url><loc>http://127.0.0.1/b</loc></url>\n", count: 300).utf8)
        let input = StreamingCompressor.compressAll(first, as: .gzip) + StreamingCompressor.compressAll(second, as: .gzip)
        // One call, the input handed to zlib in pieces of pieceSize bytes.
        let inflater = GzipInflater()
        var decoded: [UInt8] = []
        let outcome = input.withUnsafeBytes { bytes in
            inflater.inflate(bytes, isFinal: true, pieceSize: pieceSize) {
                decoded.append(contentsOf: $0)
                return true
            }
        }
        #expect(outcome == .finished)
        #expect(decoded == first + second)
        // Calls of pieceSize bytes each (the last one final).
        let streamed = GzipInflater()
        var decodedInCalls: [UInt8] = []
        var callOutcome = GzipInflater.Outcome.needsInput
        var start = 0
        while start < input.count, callOutcome == .needsInput {
            let end = min(input.count, start + pieceSize)
            callOutcome = input[start..<end].withUnsafeBytes { bytes in
                streamed.inflate(bytes, isFinal: end == input.count) {
                    decodedInCalls.append(contentsOf: $0)
                    return true
                }
            }
            start = end
        }
        #expect(callOutcome == .finished)
        #expect(decodedInCalls == first + second)
    }

    @Test("Bytes after the last member that are not a gzip header are ignored, also a lone trailing 0x1F")
    func trailingJunk() {
        let member = StreamingCompressor.compressAll(Array("<urlset/>".utf8), as: .gzip)
        for junk: [UInt8] in [[0x0A], [0x1F], [0x00, 0x00, 0x00]] {
            let inflater = GzipInflater()
            let outcome = (member + junk).withUnsafeBytes { inflater.inflate($0, isFinal: true) { _ in true } }
            #expect(outcome == .finished, "\(junk)")
        }
    }
}
