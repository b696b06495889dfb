import Foundation
import Testing

/// The Python tools the tests read the crawler's output with (warcio, pywb),
/// from the project's venv (.build-python/venv, made by scripts/install-deps.sh).
enum VenvTool {
    /// The path of the venv tool `name`, or `nil` after recording that
    /// `package` is missing (the test then has nothing to check with).
    static func path(_ name: String, package: String) -> String? {
        let path = WARCCrawlTests.venv + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            Issue.record("\(package) is missing: run scripts/install-deps.sh")
            return nil
        }
        return path
    }

    /// A new empty directory under the temporary directory, named `prefix-UUID`.
    static func makeTemporaryDirectory(_ prefix: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}
