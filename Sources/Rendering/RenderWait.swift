import AsyncURLSupport

/// When a rendered page counts as done and its document is read back.
public enum RenderWait: Sendable, Equatable, CustomStringConvertible {
    /// The page's load event.
    case load
    /// The load event, then no request of the page in flight for this long.
    case networkIdle(Duration)
    /// The load event, then an element matching this CSS selector in the document.
    case selector(String)

    /// Parses the command-line form: `load`, `idle` (500 ms), `idle:MILLISECONDS`
    /// or `selector:CSS`. Returns `nil` for anything else.
    /// - Parameter text: the form given.
    public init?(parsing text: String) {
        if text == "load" {
            self = .load
        } else if text == "idle" {
            self = .networkIdle(.milliseconds(500))
        } else if text.hasPrefix("idle:"), let milliseconds = Int(text.dropFirst(5)), milliseconds >= 0, milliseconds <= 60_000 {
            self = .networkIdle(.milliseconds(milliseconds))
        } else if text.hasPrefix("selector:"), text.count > 9 {
            self = .selector(String(text.dropFirst(9)))
        } else {
            return nil
        }
    }

    /// The command-line form.
    public var description: String {
        switch self {
        case .load: "load"
        case .networkIdle(let quiet): "idle:\(quiet.flooredMilliseconds)"
        case .selector(let css): "selector:\(css)"
        }
    }
}
