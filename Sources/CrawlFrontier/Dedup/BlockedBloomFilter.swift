/// A Bloom filter whose bits for one key all lie in one 512-bit block (one
/// cache line), so a lookup touches one block of memory.
///
/// It answers "maybe" or "certainly not": a ``FingerprintRun`` is read only
/// when its filter says "maybe". With 10 bits a key and 7 bits set per key,
/// about 1 % of absent keys get a "maybe". Keys are mixed with a random key
/// of each filter, so chosen fingerprints cannot aim at one block.
struct BlockedBloomFilter: Sendable {
    /// The bits a key takes, on average.
    static let bitsPerKey = 10
    private static let wordsPerBlock = 8
    private static let bitsSet = 7

    private var words: [UInt64]
    private let blockCount: Int
    private let secret: UInt64 = .random(in: .min ... .max)

    /// Creates an empty filter sized for `expectedCount` keys.
    init(expectedCount: Int) {
        blockCount = max(1, (expectedCount * Self.bitsPerKey + 511) / 512)
        words = [UInt64](repeating: 0, count: blockCount * Self.wordsPerBlock)
    }

    /// The bytes the filter takes.
    var memoryBytes: Int { words.count * MemoryLayout<UInt64>.stride }

    /// Adds `key`.
    mutating func insert(_ key: UInt64) {
        let (block, bits) = Self.positions(of: key, secret: secret, blockCount: blockCount)
        words.withUnsafeMutableBufferPointer { words in
            var bits = bits
            for _ in 0..<Self.bitsSet {
                let bit = Int(bits & 511)
                words[block * Self.wordsPerBlock + (bit >> 6)] |= 1 << UInt64(bit & 63)
                bits >>= 9
            }
        }
    }

    /// Whether `key` may have been added (`false`: it certainly was not).
    func mayContain(_ key: UInt64) -> Bool {
        let (block, bits) = Self.positions(of: key, secret: secret, blockCount: blockCount)
        return words.withUnsafeBufferPointer { words in
            var bits = bits
            for _ in 0..<Self.bitsSet {
                let bit = Int(bits & 511)
                if words[block * Self.wordsPerBlock + (bit >> 6)] & (1 << UInt64(bit & 63)) == 0 { return false }
                bits >>= 9
            }
            return true
        }
    }

    /// The block of `key`, and 63 bits choosing its bits in the block (9 bits each).
    @inline(__always)
    private static func positions(of key: UInt64, secret: UInt64, blockCount: Int) -> (Int, UInt64) {
        let first = mix(key ^ secret)
        let second = mix(first ^ 0x9E37_79B9_7F4A_7C15)
        return (Int(first.multipliedFullWidth(by: UInt64(blockCount)).high), second)
    }

    /// SplitMix64's finalizer: every input bit changes about half the output bits.
    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value &+ 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
