import Crawling
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Seed files read a block at a time: lines trimmed, blanks and comments
/// skipped, lines across blocks whole, a pipe read twice, errors as values.
@Suite("Seed files")
struct SeedFileTests {
    private static func seeds(of file: SeedFile) throws -> [(line: Int, seed: String)] {
        var lines = file.lines()
        var seeds: [(line: Int, seed: String)] = []
        while let next = try lines.next() { seeds.append(next) }
        return seeds
    }

    @Test(
        "Lines are trimmed (spaces, tabs, CR), blanks and # comments skipped, the last line read without its newline; every pass the same"
    )
    func lines() throws {
        let scratch = try ScratchDirectory("seed-file")
        let path = scratch.path + "/seeds.txt"
        let text = "  http://a.test/1 \r\n\n# comment\n\thttp://a.test/2\t\n   \nhttp://a.test/3"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let file = try SeedFile(path: path)
        let expected = [(1, "http://a.test/1"), (4, "http://a.test/2"), (6, "http://a.test/3")]
        for _ in 0..<2 {
            let seeds = try Self.seeds(of: file)
            #expect(seeds.map(\.line) == expected.map(\.0))
            #expect(seeds.map(\.seed) == expected.map(\.1))
        }
    }

    @Test("A line across a block boundary comes whole; one over 64 KiB is an error naming its line")
    func blockBoundaryAndLongLine() throws {
        let scratch = try ScratchDirectory("seed-file")
        let path = scratch.path + "/seeds.txt"
        let first = "http://a.test/" + String(repeating: "a", count: 40_000)
        let second = "http://a.test/" + String(repeating: "b", count: 60_000)
        try [first, second, "http://a.test/3"].joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Self.seeds(of: SeedFile(path: path)).map(\.seed) == [first, second, "http://a.test/3"])
        let tooLong = "http://a.test/" + String(repeating: "c", count: SeedFile.maxLineLength)
        try ["http://a.test/1", tooLong].joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SeedFileError.lineTooLong(path: path, line: 2)) { try Self.seeds(of: SeedFile(path: path)) }
    }

    @Test("A FIFO is copied when opened: both passes read every line (200,000 of them)")
    func fifoReadTwice() async throws {
        let scratch = try ScratchDirectory("seed-file")
        let path = scratch.path + "/seeds.fifo"
        #expect(mkfifo(path, 0o600) == 0)
        let count = 200_000
        let writer = Task.detached {
            // Opening a FIFO for writing waits for its reader.
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            let text = (0..<count).map { "http://a.test/\($0)" }.joined(separator: "\n") + "\n"
            handle.write(Data(text.utf8))
            try? handle.close()
        }
        let file = try SeedFile(path: path)
        await writer.value
        for _ in 0..<2 {
            let seeds = try Self.seeds(of: file)
            #expect(seeds.count == count)
            #expect(seeds.last?.seed == "http://a.test/\(count - 1)")
        }
    }

    @Test("A missing file is an error with its path and cause, not a crash")
    func missing() throws {
        #expect(throws: SeedFileError.cannotOpen(path: "/nonexistent/seeds.txt", code: ENOENT)) {
            try SeedFile(path: "/nonexistent/seeds.txt")
        }
        #expect(SeedFileError.cannotOpen(path: "/x", code: ENOENT).description == "cannot open /x: No such file or directory")
    }

    @Test("SeedListReader: the URLs first, then the file's seeds, in batches of at most 1024")
    func reader() throws {
        let scratch = try ScratchDirectory("seed-file")
        let path = scratch.path + "/seeds.txt"
        try (0..<3000).map { "http://a.test/\($0)" }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        var reader = SeedListReader(urls: ["http://b.test/"], file: try SeedFile(path: path))
        var batches: [[CrawlRequest]] = []
        while let batch = try reader.nextBatch() { batches.append(batch) }
        #expect(batches.map(\.count) == [1024, 1024, 953])
        #expect(batches.first?.first?.url == "http://b.test/")
        #expect(batches.last?.last?.url == "http://a.test/2999")
    }
}
