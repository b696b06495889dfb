/// The order a ``SpillQueue`` hands a host's URLs out in: priority (highest
/// first), then depth, then arrival. Arrival numbers are unique, so no two
/// rows of a queue have the same key.
struct SpillKey: Comparable, Sendable {
    /// `~priority`: ascending ranks are descending priorities.
    var rank: Int64
    var depth: Int64
    var arrival: Int64

    static func < (lhs: SpillKey, rhs: SpillKey) -> Bool {
        if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
        if lhs.depth != rhs.depth { return lhs.depth < rhs.depth }
        return lhs.arrival < rhs.arrival
    }
}

/// How one URL is stored by a ``SpillQueue``, in memory and in its run files.
///
/// A row is its body's length (a LEB128 varint), then the body: the order
/// key (rank, depth, arrival: zigzag varints, so a key reads without the
/// rest), the fingerprint (8 bytes), then the host key and the URL (each a
/// varint length and UTF-8 bytes) and the referrer and the payload (each a
/// varint of their length plus one, 0 for none, and the bytes). About 75
/// bytes plus the URL's, host key's and referrer's lengths less 60.
enum SpillRow {
    /// Appends `entry`'s row to `bytes`; returns its key.
    static func encode(_ entry: FrontierEntry, arrival: Int, into bytes: inout [UInt8]) -> SpillKey {
        let key = SpillKey(rank: Int64(~entry.priority), depth: Int64(entry.depth), arrival: Int64(arrival))
        let numbers = (zigzag(key.rank), zigzag(key.depth), zigzag(key.arrival))
        let hostLength = entry.hostKey.utf8.count
        let urlLength = entry.url.utf8.count
        let referrerMarker = entry.referrer.map { UInt64($0.utf8.count + 1) } ?? 0
        let payloadMarker = entry.payload.map { UInt64($0.count + 1) } ?? 0
        // The body's length first, so the row is written in one pass with no copy.
        var bodyLength = varintSize(numbers.0) + varintSize(numbers.1) + varintSize(numbers.2) + 8
        bodyLength += varintSize(UInt64(hostLength)) + hostLength + varintSize(UInt64(urlLength)) + urlLength
        bodyLength += varintSize(referrerMarker) + Int(max(referrerMarker, 1) - 1)
        bodyLength += varintSize(payloadMarker) + Int(max(payloadMarker, 1) - 1)
        appendVarint(UInt64(bodyLength), to: &bytes)
        appendVarint(numbers.0, to: &bytes)
        appendVarint(numbers.1, to: &bytes)
        appendVarint(numbers.2, to: &bytes)
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: entry.fingerprint >> UInt64(shift))) }
        appendVarint(UInt64(hostLength), to: &bytes)
        bytes.append(contentsOf: entry.hostKey.utf8)
        appendVarint(UInt64(urlLength), to: &bytes)
        bytes.append(contentsOf: entry.url.utf8)
        appendVarint(referrerMarker, to: &bytes)
        if let referrer = entry.referrer { bytes.append(contentsOf: referrer.utf8) }
        appendVarint(payloadMarker, to: &bytes)
        if let payload = entry.payload { bytes.append(contentsOf: payload) }
        return key
    }

    /// The bytes `value` takes as a varint.
    static func varintSize(_ value: UInt64) -> Int {
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    private static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    /// Reads a varint at `index` (moved past it); `nil` when the bytes end first.
    static func readVarint(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, end: Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < end, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    /// The row that starts at `start`, when all of it lies before `end`:
    /// its key and its length (the length prefix included).
    static func peek(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> (key: SpillKey, length: Int)? {
        var index = start
        guard let bodyLength = readVarint(bytes, &index, end: end), bodyLength <= UInt64(end - index) else { return nil }
        let bodyEnd = index + Int(bodyLength)
        guard let rank = readVarint(bytes, &index, end: bodyEnd), let depth = readVarint(bytes, &index, end: bodyEnd),
            let arrival = readVarint(bytes, &index, end: bodyEnd)
        else { return nil }
        return (SpillKey(rank: unzigzag(rank), depth: unzigzag(depth), arrival: unzigzag(arrival)), bodyEnd - start)
    }

    /// The URL of the row that starts at `start` (whole, as ``peek(_:at:end:)`` found it), with its arrival number.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, length: Int) -> (entry: FrontierEntry, arrival: Int)? {
        let end = start + length
        guard let (key, _) = peek(bytes, at: start, end: end) else { return nil }
        var index = start
        _ = readVarint(bytes, &index, end: end)
        for _ in 0..<3 { _ = readVarint(bytes, &index, end: end) }
        guard end - index >= 8 else { return nil }
        var fingerprint: UInt64 = 0
        for shift in 0..<8 { fingerprint |= UInt64(bytes[index + shift]) << UInt64(shift * 8) }
        index += 8
        guard let hostKey = readText(bytes, &index, end: end), let url = readText(bytes, &index, end: end),
            let referrer = readOptional(bytes, &index, end: end), let payload = readOptional(bytes, &index, end: end)
        else { return nil }
        let entry = FrontierEntry(
            url: String(decoding: url, as: UTF8.self), fingerprint: fingerprint, hostKey: String(decoding: hostKey, as: UTF8.self),
            depth: Int(key.depth), priority: ~Int(key.rank), referrer: referrer.map { String(decoding: $0, as: UTF8.self) },
            payload: payload.map { Array($0) })
        return (entry, Int(key.arrival))
    }

    private static func readText(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, end: Int) -> UnsafeBufferPointer<UInt8>? {
        guard let length = readVarint(bytes, &index, end: end), length <= UInt64(end - index) else { return nil }
        defer { index += Int(length) }
        return UnsafeBufferPointer(rebasing: bytes[index..<index + Int(length)])
    }

    /// A referrer or payload: `.some(nil)` when the row has none, `nil` when the row is torn.
    private static func readOptional(
        _ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, end: Int
    ) -> UnsafeBufferPointer<UInt8>?? {
        guard let marker = readVarint(bytes, &index, end: end), marker <= UInt64(end - index) + 1 else { return nil }
        guard marker > 0 else { return .some(nil) }
        defer { index += Int(marker - 1) }
        return .some(UnsafeBufferPointer(rebasing: bytes[index..<index + Int(marker - 1)]))
    }
}
