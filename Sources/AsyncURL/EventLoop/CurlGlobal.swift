internal import CCurl

/// libcurl's process-wide initialisation, done exactly once.
///
/// `curl_global_init` is not thread-safe with respect to other curl calls made
/// while it runs, so it must happen once, before any handle exists. Swift runs
/// the initialiser of a `static let` exactly once, under a lock
/// (`swift_once`), which gives that guarantee without mutable global state.
enum CurlGlobal {
    /// The result of the one `curl_global_init` call.
    private static let initialization: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Runs `curl_global_init` if it has not run yet and reports its result.
    static func ensureInitialized() -> CURLcode {
        initialization
    }

    /// The libcurl version string, for example `libcurl/7.88.1 OpenSSL/3.0.19 ...`.
    static var versionDescription: String {
        guard let version = curl_version() else { return "libcurl" }
        return String(cString: version)
    }
}
