/// The compact binary form in which a ``PageRevisit``'s links and item
/// digests are stored (one blob each): length-prefixed fields, little-endian.
/// Decoding a damaged blob gives `nil`, never a crash.
enum RevisitBlobCoding {
    static func encode(_ links: [PageRevisit.Link]) -> [UInt8] {
        var writer = Writer()
        for link in links {
            writer.bytes(Array(link.url.utf8))
            writer.integer(UInt64(bitPattern: Int64(link.priority)))
            writer.integer(link.identity?.fingerprint ?? 0)
            writer.bytes(Array((link.identity?.hostKey ?? "").utf8))
            if let payload = link.payload {
                writer.integer(1)
                writer.bytes(payload)
            } else {
                writer.integer(0)
            }
        }
        return writer.output
    }

    static func decodeLinks(_ blob: [UInt8]) -> [PageRevisit.Link]? {
        var reader = Reader(blob)
        var links: [PageRevisit.Link] = []
        while !reader.isAtEnd {
            guard let url = reader.bytes(), let priority = reader.integer(), let fingerprint = reader.integer(),
                let hostKey = reader.bytes(),
                let hasPayload = reader.integer()
            else { return nil }
            var payload: [UInt8]?
            if hasPayload == 1 {
                guard let bytes = reader.bytes() else { return nil }
                payload = bytes
            }
            let host = String(decoding: hostKey, as: UTF8.self)
            links.append(
                PageRevisit.Link(
                    url: String(decoding: url, as: UTF8.self), priority: Int(Int64(bitPattern: priority)), payload: payload,
                    identity: host.isEmpty ? nil : (fingerprint, host)))
        }
        return links
    }

    static func encode(_ items: [PageRevisit.ItemDigest]) -> [UInt8] {
        var writer = Writer()
        for item in items {
            writer.bytes(Array(item.key.utf8))
            writer.bytes(item.digest)
        }
        return writer.output
    }

    static func decodeItems(_ blob: [UInt8]) -> [PageRevisit.ItemDigest]? {
        var reader = Reader(blob)
        var items: [PageRevisit.ItemDigest] = []
        while !reader.isAtEnd {
            guard let key = reader.bytes(), let digest = reader.bytes() else { return nil }
            items.append(PageRevisit.ItemDigest(key: String(decoding: key, as: UTF8.self), digest: digest))
        }
        return items
    }

    private struct Writer {
        var output: [UInt8] = []

        mutating func integer(_ value: UInt64) {
            for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }

        mutating func bytes(_ value: [UInt8]) {
            integer(UInt64(value.count))
            output += value
        }
    }

    private struct Reader {
        let input: [UInt8]
        var position = 0

        init(_ input: [UInt8]) { self.input = input }

        var isAtEnd: Bool { position >= input.count }

        mutating func integer() -> UInt64? {
            guard input.count - position >= 8 else { return nil }
            var value: UInt64 = 0
            for index in 0..<8 { value |= UInt64(input[position + index]) << UInt64(index * 8) }
            position += 8
            return value
        }

        mutating func bytes() -> [UInt8]? {
            guard let count = integer(), count <= UInt64(input.count - position) else { return nil }
            defer { position += Int(count) }
            return Array(input[position..<position + Int(count)])
        }
    }
}
