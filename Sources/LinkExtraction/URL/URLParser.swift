// The WHATWG "basic URL parser", written as a structured parser over UTF-8 bytes
// rather than a character-by-character state machine. Each function notes which
// states of the standard it covers.

/// Parses URL strings, optionally against a base URL, following the WHATWG URL standard.
enum URLParser {
    private static let slash: UInt8 = 0x2F
    private static let backslash: UInt8 = 0x5C
    private static let question: UInt8 = 0x3F
    private static let hash: UInt8 = 0x23
    private static let colon: UInt8 = 0x3A
    private static let at: UInt8 = 0x40

    /// The pieces of a URL while it is being built.
    ///
    /// A hierarchical path is kept serialized, `/segment/segment`, in one
    /// buffer: a segment never holds a raw `/`, so the last segment starts at
    /// the last `/` and popping it is a cut there (no array per segment).
    struct Parts {
        var scheme: String
        var username: [UInt8] = []
        var password: [UInt8] = []
        /// The serialized host (kept as the base's `String` when copied from it).
        var host: String? = nil
        var port: Int? = nil
        var path: [UInt8] = []
        var opaquePath: [UInt8]? = nil
        var query: [UInt8]? = nil
        var fragment: [UInt8]? = nil

        init(scheme: String) { self.scheme = scheme }

        /// The parts of `base`, without its fragment.
        init(copying base: WebURL) {
            scheme = base.scheme
            username = Array(base.username.utf8)
            password = Array(base.password.utf8)
            host = base.host
            port = base.port
            if base.hasOpaquePath {
                opaquePath = Array(base.path.utf8)
            } else if base.path.utf8.first == URLParser.slash {
                path = Array(base.path.utf8)
            }
            query = base.query.map { Array($0.utf8) }
        }

        /// Whether the hierarchical path has no segment.
        var hasNoSegments: Bool { path.isEmpty }

        /// Drops the path's last segment, if any.
        mutating func removeLastSegment() {
            guard let last = path.lastIndex(of: URLParser.slash) else { return }
            path.removeSubrange(last...)
        }

        func build() -> WebURL {
            WebURL(
                scheme: scheme,
                username: username.isEmpty ? "" : String(decoding: username, as: UTF8.self),
                password: password.isEmpty ? "" : String(decoding: password, as: UTF8.self),
                host: host,
                port: port,
                path: String(decoding: opaquePath ?? path, as: UTF8.self),
                query: query.map { String(decoding: $0, as: UTF8.self) },
                fragment: fragment.map { String(decoding: $0, as: UTF8.self) },
                hasOpaquePath: opaquePath != nil)
        }
    }

    /// Parses `string` against `base`.
    static func parse(_ string: String, base: WebURL?) -> WebURL? {
        parse(string, base: base, baseParts: nil)
    }

    /// Parses `string` against `base`, whose parts (`Parts(copying: base)`) may be
    /// given already made: a page's links all resolve against one base.
    static func parse(_ string: String, base: WebURL?, baseParts: Parts?) -> WebURL? {
        let input = prepare(string)
        if let (scheme, rest) = splitScheme(input) {
            return parse(scheme: scheme, rest: rest, base: base, baseParts: baseParts)
        }
        guard let base else { return nil }
        return parseRelative(input[...], base: base, baseParts: baseParts)
    }

    /// Trims leading/trailing C0 controls and spaces, removes tabs and newlines.
    /// Read from the string's UTF-8 buffer: the common href, with none of
    /// them, is one copy of the bytes.
    private static func prepare(_ string: String) -> [UInt8] {
        var string = string
        return string.withUTF8 { utf8 in
            var start = 0
            var end = utf8.count
            while start < end && utf8[start] <= 0x20 { start += 1 }
            while end > start && utf8[end - 1] <= 0x20 { end -= 1 }
            let trimmed = UnsafeBufferPointer(rebasing: utf8[start..<end])
            guard trimmed.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return Array(trimmed) }
            return trimmed.filter { $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        }
    }

    /// Scheme start and scheme states: an ASCII letter, then letters, digits, `+ - .`, then `:`.
    private static func splitScheme(_ input: [UInt8]) -> (String, ArraySlice<UInt8>)? {
        guard let first = input.first, isASCIIAlpha(first) else { return nil }
        var index = 1
        while index < input.count {
            let byte = input[index]
            if byte == colon {
                let scheme = String(decoding: input[0..<index].map(lowercase), as: UTF8.self)
                return (scheme, input[(index + 1)...])
            }
            guard isASCIIAlpha(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E
            else { return nil }
            index += 1
        }
        return nil
    }

    /// Everything after `scheme:`.
    private static func parse(scheme: String, rest: ArraySlice<UInt8>, base: WebURL?, baseParts: Parts?) -> WebURL? {
        if scheme == "file" {
            return parseFile(rest, base: base?.scheme == "file" ? base : nil)
        }
        if WebURL.defaultPort(forScheme: scheme) != nil {
            // Special relative or authority state: same scheme as the base means a relative reference.
            if let base, base.scheme == scheme {
                return parseRelative(rest, base: base, baseParts: baseParts)
            }
            // Special authority slashes / ignore slashes states.
            let afterSlashes = rest.drop { $0 == slash || $0 == backslash }
            return parseAuthorityAndRest(afterSlashes, parts: Parts(scheme: scheme), special: true)
        }
        // Non-special: path or authority, or an opaque path.
        if rest.first == slash {
            if rest.dropFirst().first == slash {
                return parseAuthorityAndRest(rest.dropFirst(2), parts: Parts(scheme: scheme), special: false)
            }
            var parts = Parts(scheme: scheme)
            let remaining = parsePath(rest.dropFirst(), into: &parts, special: false)
            return finish(parts, remaining: remaining, special: false)
        }
        var parts = Parts(scheme: scheme)
        var opaque: [UInt8] = []
        var index = rest.startIndex
        while index < rest.endIndex, rest[index] != question, rest[index] != hash {
            let next = index + 1 < rest.endIndex ? rest[index + 1] : nil
            if rest[index] == 0x20, next == question || next == hash {
                // The standard's opaque path state (2025): a space right before the
                // query or fragment is written %20, so an opaque path never ends in a space.
                opaque += Array("%20".utf8)
            } else {
                PercentEncoding.append(rest[index], to: &opaque, set: .c0Control)
            }
            index += 1
        }
        parts.opaquePath = opaque
        return finish(parts, remaining: rest[index...], special: false)
    }

    /// No scheme / relative / relative slash states.
    private static func parseRelative(_ input: ArraySlice<UInt8>, base: WebURL, baseParts: Parts? = nil) -> WebURL? {
        if base.hasOpaquePath {
            guard input.first == hash else { return nil }
            return finish(baseParts ?? Parts(copying: base), remaining: input, special: false)
        }
        if base.scheme == "file" {
            return parseFile(input, base: base)
        }
        let special = base.isSpecial
        func isSlash(_ byte: UInt8?) -> Bool { byte == slash || (special && byte == backslash) }
        if isSlash(input.first) {
            if isSlash(input.dropFirst().first) {
                var rest = input.dropFirst(2)
                if special { rest = rest.drop { $0 == slash || $0 == backslash } }
                return parseAuthorityAndRest(rest, parts: Parts(scheme: base.scheme), special: special)
            }
            var parts = baseParts ?? Parts(copying: base)
            parts.path = []
            parts.query = nil
            let remaining = parsePath(input.dropFirst(), into: &parts, special: special)
            return finish(parts, remaining: remaining, special: special)
        }
        var parts = baseParts ?? Parts(copying: base)
        guard let first = input.first else { return parts.build() }
        if first == question || first == hash {
            if first == question { parts.query = nil }
            return finish(parts, remaining: input, special: special)
        }
        parts.query = nil
        parts.removeLastSegment()
        let remaining = parsePath(input, into: &parts, special: special)
        return finish(parts, remaining: remaining, special: special)
    }

    /// Authority, host and port states, then path start.
    private static func parseAuthorityAndRest(_ input: ArraySlice<UInt8>, parts initial: Parts, special: Bool) -> WebURL? {
        var parts = initial
        var end = input.startIndex
        while end < input.endIndex {
            let byte = input[end]
            if byte == slash || byte == question || byte == hash || (special && byte == backslash) { break }
            end += 1
        }
        let authority = input[input.startIndex..<end]
        var hostPort = authority
        var hasCredentials = false
        if let atIndex = authority.lastIndex(of: at) {
            let userinfo = authority[authority.startIndex..<atIndex]
            hasCredentials = true
            if let colonIndex = userinfo.firstIndex(of: colon) {
                PercentEncoding.append(userinfo[userinfo.startIndex..<colonIndex], to: &parts.username, set: .userinfo)
                PercentEncoding.append(userinfo[(colonIndex + 1)...], to: &parts.password, set: .userinfo)
            } else {
                PercentEncoding.append(userinfo, to: &parts.username, set: .userinfo)
            }
            hostPort = authority[(atIndex + 1)...]
            guard !hostPort.isEmpty else { return nil }
        }
        var inBrackets = false
        var portColon: Int? = nil
        for index in hostPort.indices {
            let byte = hostPort[index]
            if byte == 0x5B {
                inBrackets = true
            } else if byte == 0x5D {
                inBrackets = false
            } else if byte == colon && !inBrackets {
                portColon = index
                break
            }
        }
        let hostText = portColon.map { hostPort[hostPort.startIndex..<$0] } ?? hostPort
        if hostText.isEmpty {
            if special { return nil }
            if hasCredentials || portColon != nil { return nil }
            parts.host = ""
        } else {
            guard let host = HostParser.parse(hostText, isOpaque: !special) else { return nil }
            parts.host = String(decoding: host, as: UTF8.self)
        }
        if let portColon {
            let portText = hostPort[(portColon + 1)...]
            if !portText.isEmpty {
                var value = 0
                for byte in portText {
                    guard byte >= 0x30 && byte <= 0x39 else { return nil }
                    value = value * 10 + Int(byte - 0x30)
                    guard value <= 65535 else { return nil }
                }
                parts.port = value == WebURL.defaultPort(forScheme: parts.scheme) ? nil : value
            }
        }
        return parsePathStart(input[end...], parts: parts, special: special)
    }

    /// Path start state after a host.
    private static func parsePathStart(_ input: ArraySlice<UInt8>, parts initial: Parts, special: Bool) -> WebURL? {
        var parts = initial
        if special {
            let rest = (input.first == slash || input.first == backslash) ? input.dropFirst() : input
            let remaining = parsePath(rest, into: &parts, special: true)
            return finish(parts, remaining: remaining, special: true)
        }
        guard let first = input.first, first != question, first != hash else {
            return finish(parts, remaining: input, special: false)
        }
        let rest = first == slash ? input.dropFirst() : input
        let remaining = parsePath(rest, into: &parts, special: false)
        return finish(parts, remaining: remaining, special: false)
    }

    /// Path state: appends segments to `parts.path` (resolving `.` and `..`, also
    /// percent-encoded) and returns the unconsumed input, which is empty or starts
    /// with `?` or `#`. Each segment is encoded straight into the path buffer.
    private static func parsePath(_ input: ArraySlice<UInt8>, into parts: inout Parts, special: Bool) -> ArraySlice<UInt8> {
        var index = input.startIndex
        var segmentStart = parts.path.count
        parts.path.append(slash)
        while true {
            let byte: UInt8? = index < input.endIndex ? input[index] : nil
            let isSlash = byte == slash || (special && byte == backslash)
            if byte == nil || isSlash || byte == question || byte == hash {
                let segment = parts.path[(segmentStart + 1)...]
                if isDoubleDotSegment(segment) {
                    parts.path.removeSubrange(segmentStart...)
                    parts.removeLastSegment()
                    if !isSlash { parts.path.append(slash) }
                } else if isSingleDotSegment(segment) {
                    parts.path.removeSubrange(segmentStart...)
                    if !isSlash { parts.path.append(slash) }
                }
                if !isSlash { return input[index...] }
                segmentStart = parts.path.count
                parts.path.append(slash)
            } else if let byte {
                PercentEncoding.append(byte, to: &parts.path, set: .path)
            }
            index += 1
        }
    }

    /// Query and fragment states.
    private static func finish(_ initial: Parts, remaining: ArraySlice<UInt8>, special: Bool) -> WebURL {
        var parts = initial
        var rest = remaining
        if rest.first == question {
            rest = rest.dropFirst()
            var query: [UInt8] = []
            var index = rest.startIndex
            while index < rest.endIndex, rest[index] != hash {
                PercentEncoding.append(rest[index], to: &query, set: special ? .specialQuery : .query)
                index += 1
            }
            parts.query = query
            rest = rest[index...]
        }
        if rest.first == hash {
            var fragment: [UInt8] = []
            PercentEncoding.append(rest.dropFirst(), to: &fragment, set: .fragment)
            parts.fragment = fragment
        }
        return parts.build()
    }

    /// File, file slash and file host states (without Windows drive-letter handling).
    private static func parseFile(_ input: ArraySlice<UInt8>, base: WebURL?) -> WebURL? {
        var parts = Parts(scheme: "file")
        parts.host = ""
        func isSlash(_ byte: UInt8?) -> Bool { byte == slash || byte == backslash }
        if isSlash(input.first) {
            if isSlash(input.dropFirst().first) {
                let rest = input.dropFirst(2)
                var end = rest.startIndex
                while end < rest.endIndex, !isSlash(rest[end]), rest[end] != question, rest[end] != hash { end += 1 }
                let hostText = rest[rest.startIndex..<end]
                if !hostText.isEmpty {
                    guard let host = HostParser.parse(hostText, isOpaque: false) else { return nil }
                    parts.host = host.elementsEqual("localhost".utf8) ? "" : String(decoding: host, as: UTF8.self)
                }
                return parsePathStart(rest[end...], parts: parts, special: true)
            }
            if let base { parts.host = base.host ?? "" }
            let remaining = parsePath(input.dropFirst(), into: &parts, special: true)
            return finish(parts, remaining: remaining, special: true)
        }
        if let base {
            parts = Parts(copying: base)
            guard let first = input.first else { return parts.build() }
            if first == question || first == hash {
                if first == question { parts.query = nil }
                return finish(parts, remaining: input, special: true)
            }
            parts.query = nil
            parts.removeLastSegment()
        }
        let remaining = parsePath(input, into: &parts, special: true)
        return finish(parts, remaining: remaining, special: true)
    }

    // MARK: Byte classes

    @inline(__always)
    private static func isASCIIAlpha(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    @inline(__always)
    private static func lowercase(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    /// `.` or `%2e` (any case).
    private static func isSingleDotSegment(_ segment: ArraySlice<UInt8>) -> Bool {
        let s = segment.startIndex
        switch segment.count {
        case 1: return segment[s] == 0x2E
        case 3: return isEncodedDot(segment[s...(s + 2)])
        default: return false
        }
    }

    /// `..`, `.%2e`, `%2e.`, `%2e%2e` (any case).
    private static func isDoubleDotSegment(_ segment: ArraySlice<UInt8>) -> Bool {
        let s = segment.startIndex
        switch segment.count {
        case 2: return segment[s] == 0x2E && segment[s + 1] == 0x2E
        case 4:
            return (segment[s] == 0x2E && isEncodedDot(segment[(s + 1)...(s + 3)]))
                || (isEncodedDot(segment[s...(s + 2)]) && segment[s + 3] == 0x2E)
        case 6: return isEncodedDot(segment[s...(s + 2)]) && isEncodedDot(segment[(s + 3)...(s + 5)])
        default: return false
        }
    }

    private static func isEncodedDot(_ bytes: ArraySlice<UInt8>) -> Bool {
        let start = bytes.startIndex
        return bytes[start] == 0x25 && bytes[start + 1] == 0x32 && (bytes[start + 2] == 0x65 || bytes[start + 2] == 0x45)
    }
}
