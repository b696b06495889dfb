import Foundation
import NIOCore
import NIOPosix

/// Serves the requests of one connection, one after another (keep-alive).
///
/// Built-in routes (any method; `HEAD` gets the head only):
/// `/echo`, `/status/{code}`, `/redirect/{n}`, `/absolute-redirect/{n}`,
/// `/redirect-loop`, `/redirect-to?url=&status=`, `/gzip`, `/deflate`,
/// `/brotli`, `/bytes/{n}`, `/chunked/{n}`, `/gzip-bomb/{n}`,
/// `/deflate-bomb/{n}`, `/brotli-bomb/{n}`, `/gzip-gzip-bomb/{n}` (gzipped twice), `/slow-body?bytes=&interval_ms=`,
/// `/slow-headers?interval_ms=`, `/delay/{ms}`, `/hang`,
/// `/large-header?bytes=`, `/multi-header`, `/reset-before-headers?after_ms=`,
/// `/reset-mid-body`, `/short-body`, `/retry-after?status=&value=`,
/// `/content-type?type=&body=`, `/site/...` (files under the document root).
/// Everything else is 404. Every streaming loop is bounded by its size
/// argument (capped at 4 GiB) and ends when the client goes away.
struct ConnectionHandler {
    let server: TestServer
    let id: Int

    private static let maxStreamBytes = 4 << 30
    private static let streamChunk = 64 << 10

    /// What to do with the connection after a response.
    private enum Next {
        case keepAlive, close, reset
    }

    func run(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var reader = RequestReader(inbound: inbound)
                while true {
                    let request: TestRequest
                    do {
                        guard
                            let next = try await reader.readRequest(
                                connectionID: id,
                                sendContinue: {
                                    try await outbound.write(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n"))
                                })
                        else { return }
                        request = next
                    } catch RequestReader.ReadError.headTooLarge {
                        try await write(
                            TestResponse(status: 431, text: "request head too large", headers: [("Connection", "close")]), to: outbound,
                            head: false)
                        return
                    } catch RequestReader.ReadError.malformed {
                        try await write(
                            TestResponse(status: 400, text: "bad request", headers: [("Connection", "close")]), to: outbound, head: false)
                        return
                    }
                    let index = server.record(request)
                    let writer = Writer(outbound: outbound, isHead: request.method == "HEAD")
                    let next = try await respond(to: request, index: index, with: writer, reader: &reader)
                    switch next {
                    case .keepAlive:
                        if request.header("Connection")?.lowercased() == "close" { return }
                    case .close:
                        return
                    case .reset:
                        try? await (channel as? SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                        return
                    }
                }
            }
        } catch {
            // The client went away or the server shut down: nothing more to do.
        }
    }

    private func write(_ response: TestResponse, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, head: Bool) async throws {
        try await Writer(outbound: outbound, isHead: head).send(response)
    }

    // MARK: Routing

    private func respond(to request: TestRequest, index: Int, with writer: Writer, reader: inout RequestReader) async throws -> Next {
        if let handler = server.customRoute(for: request.path) {
            let response = await handler(request)
            server.markAnswered(index)
            try await writer.send(response)
            return .keepAlive
        }
        server.markAnswered(index)
        let parts = request.path.split(separator: "/").map(String.init)
        let first = parts.first ?? ""
        let number = parts.count > 1 ? Int(parts[1]) : nil
        switch first {
        case "echo":
            try await writer.send(echo(request))
        case "status":
            let code = number ?? 200
            try await writer.send(TestResponse(status: code, text: "status \(code)"))
        case "redirect":
            let remaining = number ?? 0
            if remaining <= 0 {
                try await writer.send(TestResponse(text: "redirect done"))
            } else {
                try await writer.send(TestResponse(status: 302, text: "", headers: [("Location", "/redirect/\(remaining - 1)")]))
            }
        case "absolute-redirect":
            let remaining = number ?? 0
            let location = remaining <= 1 ? server.url("/redirect/0") : server.url("/absolute-redirect/\(remaining - 1)")
            try await writer.send(TestResponse(status: 302, text: "", headers: [("Location", location)]))
        case "redirect-loop":
            try await writer.send(TestResponse(status: 302, text: "", headers: [("Location", "/redirect-loop")]))
        case "redirect-to":
            let status = request.queryValue("status").flatMap(Int.init) ?? 302
            try await writer.send(TestResponse(status: status, text: "", headers: [("Location", request.queryValue("url") ?? "/")]))
        case "gzip", "deflate", "brotli":
            let encoding: StreamingCompressor.Encoding = first == "gzip" ? .gzip : (first == "deflate" ? .deflate : .brotli)
            let body = StreamingCompressor.compressAll(Array(TestServer.compressibleText.utf8), as: encoding)
            try await writer.send(
                TestResponse(headers: [("Content-Type", "text/plain; charset=utf-8"), ("Content-Encoding", encoding.rawValue)], body: body))
        case "bytes":
            try await writer.streamPattern(count: min(number ?? 0, Self.maxStreamBytes), chunked: false)
        case "chunked":
            try await writer.streamPattern(count: min(number ?? 0, Self.maxStreamBytes), chunked: true)
        case "gzip-bomb", "deflate-bomb", "brotli-bomb":
            let encoding: StreamingCompressor.Encoding = first.hasPrefix("gzip") ? .gzip : (first.hasPrefix("deflate") ? .deflate : .brotli)
            try await writer.streamBomb(decodedSize: min(number ?? 0, Self.maxStreamBytes), encoding: encoding)
        case "gzip-gzip-bomb":
            try await writer.streamLayeredBomb(decodedSize: min(number ?? 0, Self.maxStreamBytes), layers: [.gzip, .gzip])
        case "slow-body":
            let count = min(request.queryValue("bytes").flatMap(Int.init) ?? 10, 100_000)
            let interval = request.queryValue("interval_ms").flatMap(Int.init) ?? 100
            try await writer.raw(TestResponse(headers: [("Content-Type", "text/plain")]).head(contentLength: count))
            if !writer.isHead {
                for _ in 0..<count {
                    try await Task.sleep(for: .milliseconds(interval))
                    try await writer.raw([UInt8(ascii: "x")])
                }
            }
        case "slow-headers":
            let interval = request.queryValue("interval_ms").flatMap(Int.init) ?? 100
            let response = TestResponse(text: "slow headers done")
            for byte in response.head(contentLength: response.body.count) {
                try await Task.sleep(for: .milliseconds(interval))
                try await writer.raw([byte])
            }
            if !writer.isHead { try await writer.raw(response.body) }
        case "delay":
            try await Task.sleep(for: .milliseconds(min(number ?? 0, 60_000)))
            try await writer.send(TestResponse(text: "delayed"))
        case "hang":
            // Never answer; return when the client closes (or the server shuts down).
            while try await reader.fill() {}
            return .close
        case "large-header":
            let size = min(request.queryValue("bytes").flatMap(Int.init) ?? 1000, 16 << 20)
            try await writer.send(TestResponse(text: "large header", headers: [("X-Large", String(repeating: "h", count: size))]))
        case "multi-header":
            try await writer.send(
                TestResponse(text: "multi", headers: [("X-Multi", "a"), ("X-Multi", "b"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]))
        case "reset-before-headers":
            let wait = min(request.queryValue("after_ms").flatMap(Int.init) ?? 0, 60_000)
            if wait > 0 { try await Task.sleep(for: .milliseconds(wait)) }
            return .reset
        case "reset-mid-body":
            try await writer.raw(TestResponse().head(contentLength: 100_000))
            try await writer.raw([UInt8](repeating: 0x61, count: 1000))
            try await Task.sleep(for: .milliseconds(50))
            return .reset
        case "short-body":
            try await writer.raw(TestResponse().head(contentLength: 1000))
            try await writer.raw([UInt8](repeating: 0x61, count: 10))
            return .close
        case "retry-after":
            let status = request.queryValue("status").flatMap(Int.init) ?? 429
            try await writer.send(
                TestResponse(status: status, text: "retry later", headers: [("Retry-After", request.queryValue("value") ?? "1")]))
        case "content-type":
            let type = request.queryValue("type") ?? "text/plain"
            let body = request.queryBytes("body") ?? []
            try await writer.send(TestResponse(headers: type == "none" ? [] : [("Content-Type", type)], body: body))
        case "site":
            try await writer.send(siteFile(Array(parts.dropFirst())))
        default:
            try await writer.send(TestResponse(status: 404, text: "not found"))
        }
        return .keepAlive
    }

    private func echo(_ request: TestRequest) -> TestResponse {
        let object: [String: Any] = [
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "headers": request.headers.map { [$0.name, $0.value] },
            "body": String(decoding: request.body, as: UTF8.self),
            "bodyLength": request.body.count
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return TestResponse(headers: [("Content-Type", "application/json")], body: Array(data))
    }

    private func siteFile(_ components: [String]) -> TestResponse {
        guard let root = server.documentRoot, !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            return TestResponse(status: 404, text: "not found")
        }
        var path = URL(fileURLWithPath: root).appendingPathComponent(components.joined(separator: "/"))
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory), isDirectory.boolValue {
            path.appendPathComponent("index.html")
        }
        guard let data = FileManager.default.contents(atPath: path.path) else {
            return TestResponse(status: 404, text: "not found")
        }
        let types = [
            "html": "text/html; charset=utf-8", "txt": "text/plain", "xml": "application/xml", "css": "text/css",
            "js": "application/javascript", "png": "image/png", "pdf": "application/pdf", "json": "application/json"
        ]
        return TestResponse(
            headers: [("Content-Type", types[path.pathExtension.lowercased()] ?? "application/octet-stream")], body: Array(data))
    }
}

/// Writes responses and raw bytes to a connection.
struct Writer {
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Whether the request was `HEAD` (send heads only).
    let isHead: Bool

    func raw(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    func send(_ response: TestResponse) async throws {
        var bytes = response.head(contentLength: response.body.count)
        if !isHead { bytes += response.body }
        try await raw(bytes)
    }

    /// `count` bytes where byte i is `i % 251`, with Content-Length or chunked.
    func streamPattern(count: Int, chunked: Bool) async throws {
        let headers =
            chunked
            ? [("Content-Type", "application/octet-stream"), ("Transfer-Encoding", "chunked")]
            : [("Content-Type", "application/octet-stream")]
        try await raw(TestResponse(headers: headers).head(contentLength: chunked ? nil : count))
        if isHead { return }
        let period = Self.patternPeriod
        var sent = 0
        while sent < count {
            let size = min(period.count, count - sent)
            let slice = Array(period[0..<size])
            try await raw(chunked ? Self.chunk(slice) : slice)
            sent += size
        }
        if chunked { try await raw(Array("0\r\n\r\n".utf8)) }
    }

    /// 251 * 261 bytes of the pattern: a whole number of periods, so every chunk starts at phase 0.
    private static let patternPeriod: [UInt8] = (0..<(251 * 261)).map { UInt8($0 % 251) }

    /// `decodedSize` zero bytes, compressed on the fly, chunked.
    func streamBomb(decodedSize: Int, encoding: StreamingCompressor.Encoding) async throws {
        try await streamLayeredBomb(decodedSize: decodedSize, layers: [encoding])
    }

    static func chunk(_ data: [UInt8]) -> [UInt8] {
        Array(String(data.count, radix: 16).utf8) + [0x0D, 0x0A] + data + [0x0D, 0x0A]
    }
}
