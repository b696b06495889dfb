// The URL standard's serializer, shared by `WebURL.href` and `CanonicalURL.string`.

/// Writes a URL's parts out as the WHATWG URL standard's serializer does.
enum URLSerializer {
    /// `scheme:[//[user[:password]@]host[:port]]path[?query][#fragment]`, with
    /// `/.` before a host-less path that starts with `//` (so it does not read as a host).
    static func serialize(
        scheme: String, username: String, password: String, host: String?, port: Int?,
        path: String, query: String?, fragment: String?, hasOpaquePath: Bool
    ) -> String {
        var output = ""
        // One allocation: the parts' lengths plus the separators (and a port's digits).
        output.reserveCapacity(
            scheme.utf8.count + username.utf8.count + password.utf8.count + (host?.utf8.count ?? 0) + path.utf8.count
                + (query?.utf8.count ?? 0) + (fragment?.utf8.count ?? 0) + 16)
        output += scheme
        output += ":"
        if let host {
            output += "//"
            if !username.isEmpty || !password.isEmpty {
                output += username
                if !password.isEmpty {
                    output += ":"
                    output += password
                }
                output += "@"
            }
            output += host
            if let port {
                output += ":"
                output += String(port)
            }
        } else if !hasOpaquePath && path.hasPrefix("//") {
            output += "/."
        }
        output += path
        if let query {
            output += "?"
            output += query
        }
        if let fragment {
            output += "#"
            output += fragment
        }
        return output
    }
}
