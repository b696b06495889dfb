// The WHATWG URL standard's IPv6 parser, in named steps.

/// Parses the text between `[` and `]` of a URL host into eight 16-bit
/// pieces: hexadecimal pieces, one `::` run of zeros, and an optional
/// dotted IPv4 tail (`::ffff:1.2.3.4`).
struct IPv6AddressParser {
    private let bytes: [UInt8]
    private var pointer = 0
    private var address = [UInt16](repeating: 0, count: 8)
    private var pieceIndex = 0
    /// Where the `::` run goes, once one is seen.
    private var compress: Int?

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The eight pieces of `input`, or `nil` when it is not an IPv6 address.
    static func parse(_ input: ArraySlice<UInt8>) -> [UInt16]? {
        var parser = IPv6AddressParser(bytes: Array(input))
        return parser.run()
    }

    private func at(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func run() -> [UInt16]? {
        if at(pointer) == 0x3A {
            guard at(pointer + 1) == 0x3A else { return nil }
            pointer += 2
            pieceIndex += 1
            compress = pieceIndex
        }
        while let c = at(pointer) {
            guard pieceIndex != 8 else { return nil }
            if c == 0x3A {
                guard compress == nil else { return nil }
                pointer += 1
                pieceIndex += 1
                compress = pieceIndex
                continue
            }
            let (value, length) = readHexPiece()
            if at(pointer) == 0x2E {
                guard length != 0, pieceIndex <= 6 else { return nil }
                pointer -= length
                guard parseIPv4Tail() else { return nil }
                break
            } else if at(pointer) == 0x3A {
                pointer += 1
                guard at(pointer) != nil else { return nil }
            } else if at(pointer) != nil {
                return nil
            }
            address[pieceIndex] = value
            pieceIndex += 1
        }
        return placeCompressedRun() ? address : nil
    }

    /// Up to four hexadecimal digits at the pointer: their value and how many there were.
    private mutating func readHexPiece() -> (value: UInt16, length: Int) {
        var value: UInt16 = 0
        var length = 0
        while length < 4, let byte = at(pointer), let digit = PercentEncoding.hexValue(byte) {
            value = value << 4 | UInt16(digit)
            pointer += 1
            length += 1
        }
        return (value, length)
    }

    /// The dotted IPv4 tail at the pointer, into the last two pieces; whether it is valid (exactly four numbers).
    private mutating func parseIPv4Tail() -> Bool {
        var numbersSeen = 0
        while let byte = at(pointer) {
            if numbersSeen > 0 {
                guard byte == 0x2E, numbersSeen < 4 else { return false }
                pointer += 1
            }
            guard let number = readIPv4Number() else { return false }
            address[pieceIndex] = address[pieceIndex] * 0x100 + UInt16(number)
            numbersSeen += 1
            if numbersSeen == 2 || numbersSeen == 4 { pieceIndex += 1 }
        }
        return numbersSeen == 4
    }

    /// One decimal number of an IPv4 tail (at most 255, no leading zero), or `nil`.
    private mutating func readIPv4Number() -> Int? {
        guard let first = at(pointer), first >= 0x30, first <= 0x39 else { return nil }
        var number: Int?
        while let digitByte = at(pointer), digitByte >= 0x30, digitByte <= 0x39 {
            let digit = Int(digitByte - 0x30)
            if let current = number {
                guard current != 0 else { return nil }
                number = current * 10 + digit
            } else {
                number = digit
            }
            guard let value = number, value <= 255 else { return nil }
            pointer += 1
        }
        return number
    }

    /// Moves the pieces after a `::` to the end; without one, whether all eight pieces were given.
    private mutating func placeCompressedRun() -> Bool {
        guard let compressAt = compress else { return pieceIndex == 8 }
        var swaps = pieceIndex - compressAt
        pieceIndex = 7
        while pieceIndex != 0 && swaps > 0 {
            address.swapAt(pieceIndex, compressAt + swaps - 1)
            pieceIndex -= 1
            swaps -= 1
        }
        return true
    }
}
