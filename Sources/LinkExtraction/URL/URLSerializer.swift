// The URL standard's serializer, shared by `WebURL.href` and `CanonicalURL.string`.

/// Writes a URL's parts out as the WHATWG URL standard's serializer does.
enum URLSerializer {
    /// `scheme:[//[user[:password]@]host[:port]]path[?query][#fragment]`, with
    /// `/.` before a host-less path that starts with `//` (so it does not read as a host).
    static func serialize(
        scheme: String, username: String, password: String, host: String?, port: Int?,
        path: String, query: String?, fragment: String?, hasOpaquePath: Bool
    ) -> String {
        var output = scheme + ":"
        if let host {
            output += "//"
            if !username.isEmpty || !password.isEmpty {
                output += username
                if !password.isEmpty { output += ":" + password }
                output += "@"
            }
            output += host
            if let port { output += ":\(port)" }
        } else if !hasOpaquePath && path.hasPrefix("//") {
            output += "/."
        }
        output += path
        if let query { output += "?" + query }
        if let fragment { output += "#" + fragment }
        return output
    }
}
