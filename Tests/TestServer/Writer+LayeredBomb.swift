extension Writer {
    /// `decodedSize` zero bytes compressed once per encoding in `layers`
    /// (first listed, first applied, as `Content-Encoding` lists them),
    /// compressed on the fly and sent chunked: `gzip, gzip` is a body
    /// gzipped twice. Stops early when the client goes away.
    func streamLayeredBomb(decodedSize: Int, layers: [StreamingCompressor.Encoding]) async throws {
        let encodingHeader = layers.map(\.rawValue).joined(separator: ", ")
        let headers = [("Content-Type", "text/html"), ("Content-Encoding", encodingHeader), ("Transfer-Encoding", "chunked")]
        try await raw(TestResponse(headers: headers).head(contentLength: nil))
        if isHead { return }
        let compressors = layers.compactMap { StreamingCompressor($0) }
        guard compressors.count == layers.count, !compressors.isEmpty else { return }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var produced = 0
        while produced < decodedSize {
            let size = min(zeros.count, decodedSize - produced)
            produced += size
            let finish = produced >= decodedSize
            var data = size == zeros.count ? zeros : Array(zeros[0..<size])
            for compressor in compressors {
                data = compressor.compress(data, flush: true, finish: finish)
            }
            if !data.isEmpty {
                try await raw(Self.chunk(data))
            }
        }
        try await raw(Array("0\r\n\r\n".utf8))
    }
}
