/// The compact binary form in which a ``PageRevisit``'s links and item
/// digests are stored (one blob each). Decoding a damaged blob gives `nil`,
/// never a crash.
///
/// Links are written in the compact form: a 4-byte mark, then per link its
/// host (an index into the hosts named so far in the blob, or a new one),
/// its fingerprint, its URL without the host when it starts with it, its
/// priority and its payload, with variable-length integers (about 40% of the
/// fixed-width form on a site's pages, so a recrawl reads, and a first crawl
/// writes, less). Blobs of the fixed-width form that stores of earlier
/// versions wrote (8-byte little-endian lengths, no mark) are still read.
enum RevisitBlobCoding {
    /// The compact form's first bytes. In the fixed-width form they are the
    /// low bytes of the first URL's length, which would have to be over 16 MiB.
    static let compactMark: [UInt8] = [0xFF, 0xFF, 0xFF, 0x02]

    static func encode(_ links: [PageRevisit.Link]) -> [UInt8] {
        guard !links.isEmpty else { return [] }
        var writer = Writer()
        writer.output = compactMark
        var hosts: [String: UInt64] = [:]
        for link in links {
            var host: String?
            if let identity = link.identity {
                if let index = hosts[identity.hostKey] {
                    writer.varint(index)
                } else {
                    let index = UInt64(hosts.count + 1)
                    hosts[identity.hostKey] = index
                    writer.varint(index)
                    writer.varintBytes(identity.hostKey.utf8)
                }
                writer.fixed(identity.fingerprint)
                host = identity.hostKey
            } else {
                writer.varint(0)
            }
            if let host, link.url.utf8.starts(with: host.utf8) {
                let rest = link.url.utf8.dropFirst(host.utf8.count)
                writer.varint(UInt64(rest.count) << 1 | 1)
                writer.output += rest
            } else {
                writer.varint(UInt64(link.url.utf8.count) << 1)
                writer.output += link.url.utf8
            }
            let priority = Int64(link.priority)
            writer.varint(UInt64(bitPattern: (priority << 1) ^ (priority >> 63)))
            if let payload = link.payload {
                writer.varint(UInt64(payload.count) + 1)
                writer.output += payload
            } else {
                writer.varint(0)
            }
        }
        return writer.output
    }

    static func decodeLinks(_ blob: [UInt8]) -> [PageRevisit.Link]? {
        decodeLinks(blob, skipping: { _ in false })?.links
    }

    /// The links of a blob, without those stored with a fingerprint that
    /// `skips` picks (no string is made for them), and how many were left out.
    /// The fixed-width form is read whole.
    static func decodeLinks(_ blob: [UInt8], skipping skips: (UInt64) -> Bool) -> (links: [PageRevisit.Link], skipped: Int)? {
        guard blob.starts(with: compactMark) else { return decodeFixedWidthLinks(blob).map { ($0, 0) } }
        var reader = Reader(blob)
        reader.position = compactMark.count
        var hosts: [String] = []
        var links: [PageRevisit.Link] = []
        var skipped = 0
        while !reader.isAtEnd {
            guard let hostIndex = reader.varint() else { return nil }
            var identity: (fingerprint: UInt64, hostKey: String)?
            if hostIndex > 0 {
                if hostIndex == UInt64(hosts.count + 1) {
                    guard let name = reader.slice() else { return nil }
                    hosts.append(String(decoding: name, as: UTF8.self))
                }
                guard hostIndex <= UInt64(hosts.count), let fingerprint = reader.fixed() else { return nil }
                identity = (fingerprint, hosts[Int(hostIndex - 1)])
            }
            guard let urlField = reader.varint(), let rest = reader.slice(count: urlField >> 1), let priority = reader.varint(),
                let payloadField = reader.varint()
            else { return nil }
            let payloadBytes = payloadField > 0 ? reader.slice(count: payloadField - 1) : nil
            guard payloadField == 0 || payloadBytes != nil else { return nil }
            if let identity, skips(identity.fingerprint) {
                skipped += 1
                continue
            }
            let payload = payloadBytes.map { Array($0) }
            let prefix = urlField & 1 == 1 ? identity?.hostKey : nil
            guard urlField & 1 == 0 || prefix != nil else { return nil }
            links.append(
                PageRevisit.Link(
                    url: joined(prefix, rest),
                    priority: Int(truncatingIfNeeded: Int64(bitPattern: (priority >> 1) ^ (0 &- (priority & 1)))),
                    payload: payload, identity: identity))
        }
        return (links, skipped)
    }

    /// `prefix` (if any) followed by the UTF-8 `rest`, built in one allocation.
    private static func joined(_ prefix: String?, _ rest: ArraySlice<UInt8>) -> String {
        guard var prefix else { return String(decoding: rest, as: UTF8.self) }
        return prefix.withUTF8 { head in
            String(unsafeUninitializedCapacity: head.count + rest.count) { buffer in
                let target = UnsafeMutableRawBufferPointer(buffer)
                target.copyMemory(from: UnsafeRawBufferPointer(head))
                rest.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: target[head.count...]).copyMemory(from: $0) }
                return head.count + rest.count
            }
        }
    }

    /// The fixed-width form of earlier versions: per link the URL, the
    /// priority, the fingerprint, the host key and the payload, each length
    /// and number 8 bytes little-endian.
    private static func decodeFixedWidthLinks(_ blob: [UInt8]) -> [PageRevisit.Link]? {
        var reader = Reader(blob)
        var links: [PageRevisit.Link] = []
        while !reader.isAtEnd {
            guard let url = reader.bytes(), let priority = reader.fixed(), let fingerprint = reader.fixed(),
                let hostKey = reader.bytes(),
                let hasPayload = reader.fixed()
            else { return nil }
            var payload: [UInt8]?
            if hasPayload == 1 {
                guard let bytes = reader.bytes() else { return nil }
                payload = Array(bytes)
            }
            let host = String(decoding: hostKey, as: UTF8.self)
            links.append(
                PageRevisit.Link(
                    url: String(decoding: url, as: UTF8.self), priority: Int(truncatingIfNeeded: Int64(bitPattern: priority)),
                    payload: payload, identity: host.isEmpty ? nil : (fingerprint, host)))
        }
        return links
    }

    static func encode(_ items: [PageRevisit.ItemDigest]) -> [UInt8] {
        var writer = Writer()
        for item in items {
            writer.fixedBytes(Array(item.key.utf8))
            writer.fixedBytes(item.digest)
        }
        return writer.output
    }

    static func decodeItems(_ blob: [UInt8]) -> [PageRevisit.ItemDigest]? {
        var reader = Reader(blob)
        var items: [PageRevisit.ItemDigest] = []
        while !reader.isAtEnd {
            guard let key = reader.bytes(), let digest = reader.bytes() else { return nil }
            items.append(PageRevisit.ItemDigest(key: String(decoding: key, as: UTF8.self), digest: Array(digest)))
        }
        return items
    }

    private struct Writer {
        var output: [UInt8] = []

        mutating func fixed(_ value: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }

        mutating func fixedBytes(_ value: [UInt8]) {
            fixed(UInt64(value.count))
            output += value
        }

        /// LEB128: seven bits a byte, low bits first.
        mutating func varint(_ value: UInt64) {
            var rest = value
            while rest >= 0x80 {
                output.append(UInt8(truncatingIfNeeded: rest) | 0x80)
                rest >>= 7
            }
            output.append(UInt8(rest))
        }

        mutating func varintBytes(_ value: String.UTF8View) {
            varint(UInt64(value.count))
            output += value
        }
    }

    private struct Reader {
        let input: [UInt8]
        var position = 0

        init(_ input: [UInt8]) { self.input = input }

        var isAtEnd: Bool { position >= input.count }

        mutating func fixed() -> UInt64? {
            guard input.count - position >= 8 else { return nil }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(input[position + index]) << UInt64(index * 8) }
            position += 8
            return value
        }

        /// A fixed-width length, then that many bytes.
        mutating func bytes() -> ArraySlice<UInt8>? {
            guard let count = fixed() else { return nil }
            return slice(count: count)
        }

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard position < input.count else { return nil }
                let byte = input[position]
                position += 1
                value |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte < 0x80 { return value }
            }
            return nil
        }

        /// A variable-length length, then that many bytes.
        mutating func slice() -> ArraySlice<UInt8>? {
            guard let count = varint() else { return nil }
            return slice(count: count)
        }

        mutating func slice(count: UInt64) -> ArraySlice<UInt8>? {
            guard count <= UInt64(input.count - position) else { return nil }
            defer { position += Int(count) }
            return input[position..<position + Int(count)]
        }
    }
}
