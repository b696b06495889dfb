#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads the resident memory of a process group from /proc: the browser and
/// its renderer, GPU and utility processes together.
enum ProcessGroupMemory {
    /// The memory of every process whose group is `group`, in bytes: the sum
    /// of their proportional set sizes (`Pss` in /proc/PID/smaps_rollup: a page
    /// shared by n processes counts 1/n in each, so shared libraries and
    /// shared memory are counted once), or of their resident sets where the
    /// kernel has no smaps_rollup.
    static func residentBytes(ofGroup group: Int32) -> Int {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        var total = 0
        for entry in entries where entry.first?.isNumber == true {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                processGroup(ofStat: stat) == group
            else { continue }
            total += proportionalBytes(ofProcess: entry) ?? residentBytes(ofProcess: entry) ?? 0
        }
        return total
    }

    /// The `Pss:` line of /proc/PID/smaps_rollup, in bytes.
    static func proportionalBytes(ofProcess pid: String) -> Int? {
        guard let rollup = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) else { return nil }
        for line in rollup.split(separator: "\n") where line.hasPrefix("Pss:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    /// The resident set of /proc/PID/statm, in bytes.
    static func residentBytes(ofProcess pid: String) -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        return fields.count > 1 ? Int(fields[1]).map { $0 * 4096 } : nil
    }

    /// The fifth field of /proc/PID/stat (the process group), read after the
    /// command name's closing parenthesis (a name may hold spaces and parentheses).
    static func processGroup(ofStat stat: String) -> Int32? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // state, ppid, pgrp
        return fields.count > 2 ? Int32(fields[2]) : nil
    }
}
