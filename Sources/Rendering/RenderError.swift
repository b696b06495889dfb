#if canImport(Glibc)
    import Glibc
#endif

/// Why a page could not be rendered.
public struct RenderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in kinds the crawler counts and retries by.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The kind's name, as counted in the stats.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The browser could not be started (missing binary, no profile directory).
        public static let browserUnavailable = Kind("browserUnavailable")
        /// The browser process died or closed its DevTools pipe.
        public static let browserCrashed = Kind("browserCrashed")
        /// The browser did not answer a command in time; it is restarted.
        public static let browserHung = Kind("browserHung")
        /// The page's renderer crashed (its tab is replaced).
        public static let tabCrashed = Kind("tabCrashed")
        /// The page did not finish within the per-page time limit and nothing could be read.
        public static let timedOut = Kind("timedOut")
        /// The browser answered a command with an error.
        public static let protocolError = Kind("protocolError")
        /// The rendered document was larger than the limit.
        public static let documentTooLarge = Kind("documentTooLarge")
        /// The renderer was shut down.
        public static let shutDown = Kind("shutDown")

        /// The name.
        public var description: String { name }
    }

    /// The kind of failure.
    public let kind: Kind
    /// What happened, for logs.
    public let detail: String
    /// The page being rendered, when there was one.
    public var url: String?

    /// Creates an error.
    /// - Parameters:
    ///   - kind: the kind of failure.
    ///   - detail: what happened.
    ///   - url: the page being rendered.
    public init(_ kind: Kind, detail: String, url: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.url = url
    }

    /// Whether the page may succeed when rendered again (in a new tab or browser).
    public var isRetryable: Bool {
        kind == .browserCrashed || kind == .browserHung || kind == .tabCrashed
    }

    /// The kind, the page and the detail.
    public var description: String {
        "\(kind)\(url.map { " rendering \($0)" } ?? ""): \(detail)"
    }

    static func system(_ call: String, _ code: Int32) -> RenderError {
        RenderError(.browserUnavailable, detail: "\(call) failed: \(String(cString: strerror(code)))")
    }
}
