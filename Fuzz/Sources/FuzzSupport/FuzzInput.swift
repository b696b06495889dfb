// Helpers shared by the fuzz harnesses: reading the input and failing loudly.

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, with a cursor for drawing
/// small decisions (chunk sizes, flags) from the input itself so that every run is
/// reproducible from the input file alone.
public struct FuzzInput {
    /// All input bytes.
    public let bytes: [UInt8]
    private var state: UInt64

    /// Copies `size` bytes at `data` (which may be nil when `size` is 0).
    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        // Seed a small PRNG from the input (FNV-1a), so decisions depend on the whole input.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        state = hash
    }

    /// The next pseudo-random number in `0..<bound` (splitmix64); `bound` must be positive.
    public mutating func next(below bound: Int) -> Int {
        state &+= 0x9e37_79b9_7f4a_7c15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        mixed ^= mixed >> 31
        return Int(mixed % UInt64(max(bound, 1)))
    }

    /// `bytes` cut into consecutive chunks of 1 to `maxChunk` bytes.
    public mutating func chunks(maxChunk: Int) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        while start < bytes.count {
            let length = 1 + next(below: maxChunk)
            let end = min(bytes.count, start + length)
            pieces.append(bytes[start..<end])
            start = end
        }
        return pieces
    }

    /// The input split at the first byte equal to `separator`: the part before and the part
    /// after (the second is empty when there is no separator).
    public func split(at separator: UInt8) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        guard let index = bytes.firstIndex(of: separator) else { return (bytes[...], []) }
        return (bytes[..<index], bytes[(index + 1)...])
    }
}

/// Stops the process with `message` when `condition` is false, so that libFuzzer saves
/// the input as a crash: an invariant violation is as much a finding as a crash.
public func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() {
        // The harness is a test tool: trapping is how libFuzzer learns of a failure.
        fatalError("invariant violated: \(message())", file: file, line: line)
    }
}
