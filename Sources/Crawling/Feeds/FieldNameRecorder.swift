import AsyncURLSupport

/// Finds the top-level field names of an `Encodable` value, those of its
/// optional fields that are `nil` included (`JSONEncoder` leaves them out):
/// a CSV feed's header then has a column for every field of the item's type,
/// whatever the first item holds.
///
/// Works for synthesized `Encodable` conformances and any that encode their
/// optionals with `encodeIfPresent` or `encodeNil`; nested values are not visited.
enum FieldNameRecorder {
    /// The value's top-level keys in the order it encodes them; `nil` when it
    /// does not encode as a keyed container (a single value or an array).
    static func fieldNames(of value: some Encodable) -> [String]? {
        let encoder = RecordingEncoder()
        try? value.encode(to: encoder)
        return encoder.names.withLock { $0 }
    }
}

/// The encoder ``FieldNameRecorder`` uses: its top-level keyed container records keys.
private final class RecordingEncoder: Encoder {
    let names = LockedState<[String]?>(nil)
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        names.withLock { if $0 == nil { $0 = [] } }
        return KeyedEncodingContainer(RecordingContainer<Key>(names: names))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { IgnoringEncoder().unkeyedContainer() }

    func singleValueContainer() -> any SingleValueEncodingContainer { IgnoringEncoder().singleValueContainer() }
}

/// Records every key encoded, `nil` optionals too.
private struct RecordingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let names: LockedState<[String]?>
    var codingPath: [any CodingKey] { [] }

    private func record(_ key: Key) {
        names.withLock { names in
            if names?.contains(key.stringValue) == false { names?.append(key.stringValue) }
        }
    }

    mutating func encodeNil(forKey key: Key) throws { record(key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { record(key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { record(key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<
        NestedKey
    > {
        record(key)
        return IgnoringEncoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        record(key)
        return IgnoringEncoder().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { IgnoringEncoder() }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        record(key)
        return IgnoringEncoder()
    }
}

/// An encoder that keeps nothing (for the nested values ``RecordingEncoder`` does not visit).
private struct IgnoringEncoder: Encoder, SingleValueEncodingContainer, UnkeyedEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var count: Int { 0 }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(IgnoringContainer<Key>())
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { self }
    func singleValueContainer() -> any SingleValueEncodingContainer { self }
    mutating func encodeNil() throws {}
    mutating func encode<T: Encodable>(_ value: T) throws {}
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
    mutating func superEncoder() -> any Encoder { self }
}

/// A keyed container that keeps nothing.
private struct IgnoringContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var codingPath: [any CodingKey] { [] }
    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {}
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<
        NestedKey
    > {
        KeyedEncodingContainer(IgnoringContainer<NestedKey>())
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { IgnoringEncoder() }
    mutating func superEncoder() -> any Encoder { IgnoringEncoder() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { IgnoringEncoder() }
}
