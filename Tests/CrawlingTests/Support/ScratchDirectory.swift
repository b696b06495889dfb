import Foundation

/// A directory of one test's own under the temporary directory, removed
/// with the suite instance that holds it (Swift Testing makes one instance
/// per test and releases it when the test ends), so no run leaves any behind.
final class ScratchDirectory: Sendable {
    /// The directory's path.
    let path: String

    /// Makes `TMPDIR/prefix-UUID`.
    init(_ prefix: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
