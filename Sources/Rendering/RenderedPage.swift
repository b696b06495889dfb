/// A page as the browser left it.
public struct RenderedPage: Sendable {
    /// The URL rendered.
    public let url: String
    /// The document serialized as HTML (UTF-8) once the wait was over.
    public let html: String
    /// Whether the wait strategy was met; `false` when the time limit cut it
    /// short and the document was read as it was.
    public let waitCompleted: Bool
    /// Main-frame navigations the page's scripts tried (not followed by the
    /// browser: the crawler queues them, so robots.txt and scope decide).
    public let navigations: [String]
    /// Requests of the page that went out (through the fetch core).
    public let requestsMade: Int
    /// Requests refused or failed: a blocked resource type, a scheme other
    /// than http or https, a per-page cap, or the fetch core's refusal or error
    /// (the address policy among them).
    public let requestsBlocked: Int
    /// Subresource body bytes loaded.
    public let bytesLoaded: Int
}
