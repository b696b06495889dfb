import AsyncURLSupport
import Foundation
import Testing

/// This process's peak memory as the kernel counts it (`VmHWM`).
@Suite("ResidentMemory: the peak of this process from /proc")
struct ResidentMemoryTests {
    @Test("VmHWM is read in bytes from a status text; a text without it gives nil")
    func parsesStatus() {
        let status = "Name:\tcrawler\nVmPeak:\t  900000 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n"
        #expect(ResidentMemory.highWater(inStatus: Data(status.utf8)) == 51234 * 1024)
        #expect(ResidentMemory.highWater(inStatus: Data("Name:\tx\nVmRSS:\t 1 kB\n".utf8)) == nil)
    }

    @Test("This process's peak covers 64 MiB it just touched")
    func coversTouchedMemory() {
        let size = 64 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { buffer.deallocate() }
        // Every page written, so every page is resident.
        buffer.initializeMemory(as: UInt8.self, repeating: 1, count: size)
        #expect((ResidentMemory.peakBytes() ?? 0) >= size)
    }
}
