#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The memory of this process as the kernel counts it.
package enum ResidentMemory {
    /// This process's resident high-water mark (`VmHWM` in
    /// `/proc/self/status`) in bytes; `nil` where the file cannot be read.
    package static func peakBytes() -> Int? {
        guard let status = FileManager.default.contents(atPath: "/proc/self/status") else { return nil }
        return highWater(inStatus: status)
    }

    /// The `VmHWM` line of a `/proc/PID/status` text, in bytes (the kernel writes kB).
    package static func highWater(inStatus status: Data) -> Int? {
        let text = String(decoding: status, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        let kibibytes = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        return kibibytes.map { $0 * 1024 }
    }
}
