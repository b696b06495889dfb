#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads the resident memory of a process group from /proc: the browser and
/// its renderer, GPU and utility processes together.
enum ProcessGroupMemory {
    /// The summed resident set of every process whose group is `group`, in bytes.
    static func residentBytes(ofGroup group: Int32) -> Int {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        let pageSize = 4096
        var total = 0
        for entry in entries where entry.first?.isNumber == true {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                processGroup(ofStat: stat) == group,
                let statm = try? String(contentsOfFile: "/proc/\(entry)/statm", encoding: .utf8)
            else { continue }
            let fields = statm.split(separator: " ")
            if fields.count > 1, let pages = Int(fields[1]) { total += pages * pageSize }
        }
        return total
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
