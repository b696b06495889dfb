import NIOCore

/// Reads HTTP/1.1 requests from a connection's inbound byte stream.
struct RequestReader {
    /// Why a request could not be read.
    enum ReadError: Error {
        case headTooLarge
        case malformed
        case bodyTooLarge
    }

    static let maxHeadBytes = 64 << 10
    static let maxBodyBytes = 64 << 20

    private var buffer = ByteBuffer()
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>) {
        iterator = inbound.makeAsyncIterator()
    }

    /// Reads more bytes into the buffer; `false` at end of stream.
    mutating func fill() async throws -> Bool {
        guard var chunk = try await iterator.next() else { return false }
        buffer.writeBuffer(&chunk)
        return true
    }

    /// Reads one request; `nil` when the client closed the connection between requests.
    /// `sendContinue` is called when the client asked for `100 Continue` before its body.
    mutating func readRequest(connectionID: Int, sendContinue: () async throws -> Void) async throws -> TestRequest? {
        var headEnd: Int?
        while true {
            // A request starts with a method token; anything else (a TLS
            // ClientHello, say) is not HTTP, and a real server says so at once.
            if let first = buffer.readableBytesView.first, !(0x41...0x5A).contains(first) {
                throw ReadError.malformed
            }
            headEnd = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer)
            if headEnd != nil { break }
            if buffer.readableBytes > Self.maxHeadBytes { throw ReadError.headTooLarge }
            guard try await fill() else {
                if buffer.readableBytes == 0 { return nil }
                throw ReadError.malformed
            }
        }
        guard let headEnd, headEnd <= Self.maxHeadBytes,
            let headBytes = buffer.readBytes(length: headEnd + 4)
        else { throw ReadError.headTooLarge }
        let arrival = ContinuousClock.now
        let lines = String(decoding: headBytes, as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { throw ReadError.malformed }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]).trimmed, String(line[line.index(after: colon)...]).trimmed))
        }
        let target = String(requestLine[1])
        let pathAndQuery = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var request = TestRequest(
            method: String(requestLine[0]), target: target, path: String(pathAndQuery[0]),
            query: pathAndQuery.count > 1 ? String(pathAndQuery[1]) : "",
            headers: headers, body: [], arrival: arrival, connectionID: connectionID
        )
        if request.header("Expect")?.lowercased() == "100-continue" {
            try await sendContinue()
        }
        if request.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            request.body = try await readChunkedBody()
        } else if let length = request.header("Content-Length").flatMap(Int.init), length > 0 {
            guard length <= Self.maxBodyBytes else { throw ReadError.bodyTooLarge }
            while buffer.readableBytes < length {
                guard try await fill() else { throw ReadError.malformed }
            }
            request.body = buffer.readBytes(length: length) ?? []
        }
        return request
    }

    private mutating func readChunkedBody() async throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try await nextLineEnd()
            let sizeLine = String(decoding: buffer.readBytes(length: lineEnd) ?? [], as: UTF8.self)
            buffer.moveReaderIndex(forwardBy: 2)
            guard let size = Int((sizeLine.split(separator: ";").first ?? "").trimmed, radix: 16), size >= 0 else {
                throw ReadError.malformed
            }
            if size == 0 {
                // Trailers, then the final empty line.
                while true {
                    let end = try await nextLineEnd()
                    buffer.moveReaderIndex(forwardBy: end + 2)
                    if end == 0 { return body }
                }
            }
            guard body.count + size <= Self.maxBodyBytes else { throw ReadError.bodyTooLarge }
            while buffer.readableBytes < size + 2 {
                guard try await fill() else { throw ReadError.malformed }
            }
            body += buffer.readBytes(length: size) ?? []
            buffer.moveReaderIndex(forwardBy: 2)
        }
    }

    private mutating func nextLineEnd() async throws -> Int {
        while true {
            if let end = Self.find([0x0D, 0x0A], in: buffer) { return end }
            if buffer.readableBytes > Self.maxHeadBytes { throw ReadError.malformed }
            guard try await fill() else { throw ReadError.malformed }
        }
    }

    /// The offset of `pattern` in the readable bytes, if present.
    private static func find(_ pattern: [UInt8], in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= pattern.count else { return nil }
            var index = 0
            while index <= bytes.count - pattern.count {
                if bytes[index] == pattern[0] {
                    var matches = true
                    for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                        matches = false
                        break
                    }
                    if matches { return index }
                }
                index += 1
            }
            return nil
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
