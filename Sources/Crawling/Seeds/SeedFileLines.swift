/// One pass over a ``SeedFile``'s seeds: each line with spaces, tabs and a
/// carriage return trimmed from its ends, blank lines and `#` comments skipped.
///
/// Holds one block of the file (64 KiB) and at most one line
/// (``SeedFile/maxLineLength``) at a time.
public struct SeedFileLines {
    private let file: SeedFile
    private var block = [UInt8](repeating: 0, count: 1 << 16)
    private var blockCount = 0
    private var blockIndex = 0
    private var offset = 0
    private var atEnd = false
    private var lineNumber = 0

    init(file: SeedFile) {
        self.file = file
    }

    /// The next seed and its line number (from 1); `nil` after the last.
    /// - Throws: ``SeedFileError`` when the file cannot be read or a line is too long.
    public mutating func next() throws(SeedFileError) -> (line: Int, seed: String)? {
        while let line = try nextLine() {
            lineNumber += 1
            let seed = Self.trimmed(line)
            if seed.isEmpty || seed.first == UInt8(ascii: "#") { continue }
            return (lineNumber, String(decoding: seed, as: UTF8.self))
        }
        return nil
    }

    /// The bytes of the next line, without its newline; `nil` at the end of the file.
    private mutating func nextLine() throws(SeedFileError) -> [UInt8]? {
        var line: [UInt8] = []
        while true {
            if blockIndex == blockCount {
                if atEnd { return line.isEmpty ? nil : line }
                try refill()
                if blockCount == 0 {
                    atEnd = true
                    return line.isEmpty ? nil : line
                }
            }
            let start = blockIndex
            let newline = block[start..<blockCount].firstIndex(of: UInt8(ascii: "\n"))
            let end = newline ?? blockCount
            guard line.count + (end - start) <= SeedFile.maxLineLength else {
                throw .lineTooLong(path: file.path, line: lineNumber + 1)
            }
            line.append(contentsOf: block[start..<end])
            if let newline {
                blockIndex = newline + 1
                return line
            }
            blockIndex = blockCount
        }
    }

    private mutating func refill() throws(SeedFileError) {
        let file = self.file
        let at = offset
        let result = block.withUnsafeMutableBytes { buffer in Result { () throws(SeedFileError) in try file.read(into: buffer, at: at) } }
        let got = try result.get()
        offset += got
        blockCount = got
        blockIndex = 0
    }

    private static func trimmed(_ line: [UInt8]) -> ArraySlice<UInt8> {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") }
        guard let first = line.firstIndex(where: { !isSpace($0) }), let last = line.lastIndex(where: { !isSpace($0) }) else {
            return []
        }
        return line[first...last]
    }
}
