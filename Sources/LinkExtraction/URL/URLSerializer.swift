// The URL standard's serializer, shared by `WebURL.href` and `CanonicalURL.string`.

/// Writes a URL's parts out as the WHATWG URL standard's serializer does.
enum URLSerializer {
    /// `scheme:[//[user[:password]@]host[:port]]path[?query][#fragment]`, with
    /// `/.` before a host-less path that starts with `//` (so it does not read as a host).
    ///
    /// The length is counted first and the bytes copied into one allocation
    /// (appending the parts one by one to a `String` cost more than the copy).
    static func serialize(
        scheme: String, username: String, password: String, host: String?, port: Int?,
        path: String, query: String?, fragment: String?, hasOpaquePath: Bool
    ) -> String {
        let portText = host == nil ? nil : port.map { String($0) }
        let hasCredentials = !username.isEmpty || !password.isEmpty
        let dotBeforePath = host == nil && !hasOpaquePath && path.utf8.starts(with: "//".utf8)
        var count = scheme.utf8.count + 1 + path.utf8.count
        if let host {
            count += 2 + host.utf8.count + (portText.map { $0.utf8.count + 1 } ?? 0)
            if hasCredentials { count += username.utf8.count + (password.isEmpty ? 0 : password.utf8.count + 1) + 1 }
        }
        if dotBeforePath { count += 2 }
        count += (query.map { $0.utf8.count + 1 } ?? 0) + (fragment.map { $0.utf8.count + 1 } ?? 0)
        return String(unsafeUninitializedCapacity: count) { buffer in
            var writer = UTF8Writer(buffer)
            writer.write(scheme)
            writer.write(":")
            if let host {
                writer.write("//")
                if hasCredentials {
                    writer.write(username)
                    if !password.isEmpty {
                        writer.write(":")
                        writer.write(password)
                    }
                    writer.write("@")
                }
                writer.write(host)
                if let portText {
                    writer.write(":")
                    writer.write(portText)
                }
            } else if dotBeforePath {
                writer.write("/.")
            }
            writer.write(path)
            if let query {
                writer.write("?")
                writer.write(query)
            }
            if let fragment {
                writer.write("#")
                writer.write(fragment)
            }
            return writer.count
        }
    }
}

/// Copies strings' UTF-8 bytes into a buffer, never past its end.
private struct UTF8Writer {
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            let length = min(bytes.count, buffer.count - count)
            guard length > 0, let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
            (target + count).update(from: source, count: length)
            count += length
        }
    }
}
