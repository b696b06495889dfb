import AsyncURLSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The files the spill queue, the seen-set and the body spool write and read
/// back: no name points to them, so nothing is left behind.
@Suite("Files with no name (AnonymousFile)")
struct AnonymousFileTests {
    /// Makes a file in an empty directory, writes and reads back 100 KB; what the directory listed meanwhile.
    private func roundTrip(triesUnnamed: Bool) throws -> (listed: [String], readBack: Bool, closeOnExec: Bool) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("anonymous-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let descriptor = try AnonymousFile.create(in: directory, prefix: "test-run", triesUnnamed: triesUnnamed)
        defer { close(descriptor) }
        let listed = try FileManager.default.contentsOfDirectory(atPath: directory)
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        var back = [UInt8](repeating: 0, count: bytes.count)
        let read = back.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        return (listed, written == bytes.count && read == bytes.count && back == bytes, fcntl(descriptor, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test("Made with O_TMPFILE: the directory never lists it; it holds what was written; close-on-exec")
    func unnamed() throws {
        let result = try roundTrip(triesUnnamed: true)
        #expect(result.listed.isEmpty)
        #expect(result.readBack)
        #expect(result.closeOnExec)
    }

    @Test("The fallback (a file system without O_TMPFILE): named, then unlinked before it is handed out")
    func namedThenUnlinked() throws {
        let result = try roundTrip(triesUnnamed: false)
        #expect(result.listed.isEmpty)
        #expect(result.readBack)
        #expect(result.closeOnExec)
    }

    @Test("A directory that does not exist: a failure naming the path, no crash")
    func missingDirectory() {
        #expect(throws: AnonymousFile.Failure.self) {
            try AnonymousFile.create(in: "/nonexistent-\(UUID().uuidString)", prefix: "test-run")
        }
    }
}
